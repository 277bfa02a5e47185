/** `strata serve <protocol>`: serve a remote over a network protocol, one subcommand per protocol. */
import type { Argv, CommandModule } from "yargs";
import http from "./serve-http.js";
import s3 from "./serve-s3.js";
import sftp from "./serve-sftp.js";
import webdav from "./serve-webdav.js";
import type { GlobalArgs } from "./shared.js";

/** One module per protocol, in `strata serve --help` order. */
const PROTOCOLS = [http, s3, sftp, webdav] as unknown as CommandModule<GlobalArgs, GlobalArgs>[];

const command: CommandModule<GlobalArgs, GlobalArgs> = {
  command: "serve <protocol>",
  describe: "Serve a remote over a protocol",
  builder: (y) => PROTOCOLS.reduce((acc: Argv<GlobalArgs>, p) => acc.command(p), y).demandCommand(1),
  handler: () => undefined,
};
export default command;
