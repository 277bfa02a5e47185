/** Every command module, in `strata --help` order (alphabetical, as `rclone help` lists them). */
import type { CommandModule } from "yargs";
import about from "./about.js";
import cat from "./cat.js";
import check from "./check.js";
import checksum from "./checksum.js";
import cleanup from "./cleanup.js";
import complete from "./complete.js";
import completion from "./completion.js";
import config from "./config.js";
import copy from "./copy.js";
import copyto from "./copyto.js";
import copyurl from "./copyurl.js";
import cryptcheck from "./cryptcheck.js";
import cryptdecode from "./cryptdecode.js";
import dedupe from "./dedupe.js";
import deleteCommand from "./delete.js";
import deletefile from "./deletefile.js";
import erasure from "./erasure.js";
import hashsum from "./hashsum.js";
import help from "./help.js";
import listremotes from "./listremotes.js";
import ls from "./ls.js";
import lsd from "./lsd.js";
import lsf from "./lsf.js";
import lsjson from "./lsjson.js";
import lsl from "./lsl.js";
import md5sum from "./md5sum.js";
import mkdir from "./mkdir.js";
import mount from "./mount.js";
import move from "./move.js";
import moveto from "./moveto.js";
import obscure from "./obscure.js";
import purge from "./purge.js";
import rcat from "./rcat.js";
import reveal from "./reveal.js";
import rmdir from "./rmdir.js";
import rmdirs from "./rmdirs.js";
import serve from "./serve.js";
import sha1sum from "./sha1sum.js";
import size from "./size.js";
import sync from "./sync.js";
import touch from "./touch.js";
import tree from "./tree.js";
import version from "./version.js";

// Each module types its own arguments; yargs only needs the common shape.
export const commands = [
  about,
  cat,
  check,
  checksum,
  cleanup,
  complete,
  completion,
  config,
  copy,
  copyto,
  copyurl,
  cryptcheck,
  cryptdecode,
  dedupe,
  deleteCommand,
  deletefile,
  erasure,
  hashsum,
  help,
  listremotes,
  ls,
  lsd,
  lsf,
  lsjson,
  lsl,
  md5sum,
  mkdir,
  mount,
  move,
  moveto,
  obscure,
  purge,
  rcat,
  reveal,
  rmdir,
  rmdirs,
  serve,
  sha1sum,
  size,
  sync,
  touch,
  tree,
  version,
] as unknown as CommandModule[];
