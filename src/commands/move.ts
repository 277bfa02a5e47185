import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { openTarget } from "../fs/operations/target.js";
import { runSync, runSyncFile } from "../fs/sync/sync.js";
import { run } from "./shared.js";
import { runTransfer, type TransferArgs, transferFlags } from "./transfer-flags.js";

interface Args extends TransferArgs {
  source: string;
  dest: string;
  "delete-empty-src-dirs": boolean;
}

/** `move`: move files from source to dest (server-side where possible); identical files are just removed from source. */
const command: CommandModule<object, Args> = {
  command: "move <source> <dest>",
  describe: "Move files from source to dest",
  builder: (y) =>
    transferFlags(y)
      .option("delete-empty-src-dirs", {
        type: "boolean",
        default: false,
        description: "Delete empty source dirs after move",
      })
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("move", async (argv) => {
    const src = await openTarget(argv.source);
    const dst = await newFs(argv.dest);
    await runTransfer(argv, (o) =>
      src.file
        ? runSyncFile("move", src.file, dst, src.file.remote, o)
        : runSync("move", src.fs, dst, { ...o, deleteEmptySrcDirs: argv["delete-empty-src-dirs"] }),
    );
  }),
};
export default command;
