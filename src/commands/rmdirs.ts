import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { rmdirs } from "../fs/operations/delete.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  "leave-root": boolean;
  "max-depth": number;
}

/** `rmdirs`: removes every empty directory under the path, deepest first, and the path itself if empty. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "rmdirs <remote>",
  describe: "Remove empty directories under the path",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("leave-root", { type: "boolean", default: false, description: "Do not remove root directory if empty" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("rmdirs", async (argv) => {
    await rmdirs(await newFs(argv.remote), "", {
      leaveRoot: argv["leave-root"],
      dryRun: argv["dry-run"],
      maxDepth: argv["max-depth"],
    });
  }),
};
export default command;
