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

/** `sync`: make dest identical to source, deleting extra files in dest (after the transfers, and never after errors). */
const command: CommandModule<object, Args> = {
  command: "sync <source> <dest>",
  describe: "Make source and dest identical, modifying destination only",
  builder: (y) =>
    transferFlags(y)
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("sync", async (argv) => {
    const src = await openTarget(argv.source);
    const dst = await newFs(argv.dest);
    await runTransfer(argv, (o) =>
      src.file ? runSyncFile("copy", src.file, dst, src.file.remote, o) : runSync("sync", src.fs, dst, o),
    );
  }),
};
export default command;
