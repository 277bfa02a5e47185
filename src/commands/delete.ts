import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { deleteFile, deleteFiles, rmdirs } from "../fs/operations/delete.js";
import { openFilteredTarget } from "../fs/operations/list.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  rmdirs: boolean;
  "max-depth": number;
}

/**
 * `delete`: removes the files under the path that the filters include (or the file it names, without
 * filters); directories stay unless --rmdirs.
 */
const command: CommandModule<GlobalArgs, Args> = {
  command: "delete <remote>",
  describe: "Remove the files in path",
  builder: (y) =>
    filterFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .option("rmdirs", {
        type: "boolean",
        default: false,
        description: "rmdirs removes empty directories but leaves root intact",
      })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("delete", async (argv) => {
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const options = { dryRun: argv["dry-run"], maxDepth: argv["max-depth"], filter };
    const target = await openFilteredTarget(argv.remote, filter);
    if (target.file) {
      await deleteFile(target.file, options);
      return;
    }
    await deleteFiles(target.fs, "", options);
    if (argv.rmdirs) await rmdirs(target.fs, "", { ...options, leaveRoot: true });
  }),
};
export default command;
