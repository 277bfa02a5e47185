import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { newFs } from "../fs/new-fs.js";
import { deleteFileAt } from "../fs/operations/delete.js";
import { splitRemote } from "../fs/operations/target.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
}

/** `deletefile`: removes one file. A missing file fails with exit code 4, a directory with 2. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "deletefile <remote>",
  describe: "Remove a single file from remote",
  builder: (y) => y.positional("remote", { type: "string", demandOption: true }),
  handler: run("deletefile", async (argv) => {
    const { parent, leaf } = splitRemote(argv.remote);
    if (leaf === "" || leaf === "." || leaf === "..") {
      throw new FsError("IsDir", `${argv.remote} is a directory or doesn't exist`);
    }
    await deleteFileAt(await newFs(parent), leaf, { dryRun: argv["dry-run"] });
  }),
};
export default command;
