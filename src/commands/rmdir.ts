import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { removeDir } from "../fs/operations/dir.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
}

/** `rmdir`: removes the path, which must be an empty directory. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "rmdir <remote>",
  describe: "Remove the empty directory at path",
  builder: (y) => y.positional("remote", { type: "string", demandOption: true }),
  handler: run("rmdir", async (argv) => {
    await removeDir(await newFs(argv.remote), "", { dryRun: argv["dry-run"] });
  }),
};
export default command;
