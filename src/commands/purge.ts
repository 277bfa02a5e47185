import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { purge } from "../fs/operations/delete.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
}

/** `purge`: removes the path and everything in it. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "purge <remote>",
  describe: "Remove the path and all of its contents",
  builder: (y) => y.positional("remote", { type: "string", demandOption: true }),
  handler: run("purge", async (argv) => {
    await purge(await newFs(argv.remote), "", { dryRun: argv["dry-run"] });
  }),
};
export default command;
