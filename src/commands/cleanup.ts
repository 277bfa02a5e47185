import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { cleanUp } from "../fs/operations/cleanup.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
}

/** `cleanup`: removes leftovers of interrupted operations (temporary chunks, partial uploads). */
const command: CommandModule<GlobalArgs, Args> = {
  command: "cleanup <remote>",
  describe: "Clean up the remote if possible",
  builder: (y) => y.positional("remote", { type: "string", demandOption: true }),
  handler: run("cleanup", async (argv) => {
    await cleanUp(await newFs(argv.remote), { dryRun: argv["dry-run"] });
  }),
};
export default command;
