import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { log } from "../fs/log.js";
import { copyFile } from "../fs/operations/copy.js";
import { openTarget, splitRemote } from "../fs/operations/target.js";
import { newFs } from "../fs/new-fs.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  source: string;
  dest: string;
}

/** `copyto`: copy one file to a new name (server-side when the destination can). */
const command: CommandModule<GlobalArgs, Args> = {
  command: "copyto <source> <dest>",
  describe: "Copy a file from source to dest, server-side when possible",
  builder: (y) =>
    y.positional("source", { type: "string", demandOption: true }).positional("dest", { type: "string", demandOption: true }),
  handler: run("copyto", async (argv) => {
    const src = await openTarget(argv.source);
    if (!src.file) throw new FsError("ObjectNotFound", "source is not a file", { path: argv.source });
    const { parent, leaf } = splitRemote(argv.dest);
    if (leaf === "") throw new FsError("Usage", "destination needs a file name", { path: argv.dest });
    const dst = await newFs(parent);
    if (argv["dry-run"]) {
      log.notice(leaf, "Skipped copy as --dry-run is set");
      return;
    }
    await copyFile(src.file, dst, leaf);
    log.info(leaf, "Copied");
  }),
};
export default command;
