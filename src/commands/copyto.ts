import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { openTarget, splitRemote } from "../fs/operations/target.js";
import { runSync, runSyncFile } from "../fs/sync/sync.js";
import { run } from "./shared.js";
import { runTransfer, type TransferArgs, transferFlags } from "./transfer-flags.js";

interface Args extends TransferArgs {
  source: string;
  dest: string;
}

/**
 * `copyto`: copy one file to a new name (server-side when the destination can), skipping it when the
 * destination is already identical; a directory source copies like `copy` into the named directory.
 */
const command: CommandModule<object, Args> = {
  command: "copyto <source> <dest>",
  describe: "Copy a file or directory from source to dest, with a new name",
  builder: (y) =>
    transferFlags(y)
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("copyto", async (argv) => {
    const src = await openTarget(argv.source);
    if (!src.file) {
      const dst = await newFs(argv.dest);
      await runTransfer(argv, (o) => runSync("copy", src.fs, dst, o));
      return;
    }
    const file = src.file;
    const { parent, leaf } = splitRemote(argv.dest);
    const dst = await newFs(parent);
    await runTransfer(argv, (o) => runSyncFile("copy", file, dst, leaf, o));
  }),
};
export default command;
