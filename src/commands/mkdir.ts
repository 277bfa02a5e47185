import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { makeDir } from "../fs/operations/dir.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
}

/** `mkdir`: makes the path (and its parents) if it doesn't already exist. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "mkdir <remote>",
  describe: "Make the path if it doesn't already exist",
  builder: (y) => y.positional("remote", { type: "string", demandOption: true }),
  handler: run("mkdir", async (argv) => {
    await makeDir(await newFs(argv.remote), "", { dryRun: argv["dry-run"] });
  }),
};
export default command;
