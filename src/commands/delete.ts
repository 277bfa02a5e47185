import type { CommandModule } from "yargs";
import { deleteFile, deleteFiles, rmdirs } from "../fs/operations/delete.js";
import { openTarget } from "../fs/operations/target.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  rmdirs: boolean;
  "max-depth": number;
}

/** `delete`: removes the files under the path (or the file it names); directories stay unless --rmdirs. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "delete <remote>",
  describe: "Remove the files in path",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("rmdirs", {
        type: "boolean",
        default: false,
        description: "rmdirs removes empty directories but leaves root intact",
      })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("delete", async (argv) => {
    const options = { dryRun: argv["dry-run"], maxDepth: argv["max-depth"] };
    const target = await openTarget(argv.remote);
    if (target.file) {
      await deleteFile(target.file, options);
      return;
    }
    await deleteFiles(target.fs, "", options);
    if (argv.rmdirs) await rmdirs(target.fs, "", { ...options, leaveRoot: true });
  }),
};
export default command;
