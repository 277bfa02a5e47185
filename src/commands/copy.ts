import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { openTarget } from "../fs/operations/target.js";
import { runSync, runSyncFile } from "../fs/sync/sync.js";
import { run } from "./shared.js";
import { runTransfer, type TransferArgs, transferFlags } from "./transfer-flags.js";

interface Args extends TransferArgs {
  source: string;
  dest: string;
}

/** `copy`: copy what differs from source to dest; never deletes. A file source lands in dest under its name. */
const command: CommandModule<object, Args> = {
  command: "copy <source> <dest>",
  describe: "Copy files from source to dest, skipping identical files",
  builder: (y) =>
    transferFlags(y)
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("copy", async (argv) => {
    const src = await openTarget(argv.source);
    const dst = await newFs(argv.dest);
    await runTransfer(argv, (o) =>
      src.file ? runSyncFile("copy", src.file, dst, src.file.remote, o) : runSync("copy", src.fs, dst, o),
    );
  }),
};
export default command;
