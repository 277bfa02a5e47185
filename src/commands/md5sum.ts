import type { CommandModule } from "yargs";
import { type HashsumFlags, hashsumOptions, runHashsum } from "./hashsum.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends HashsumFlags {
  remote?: string;
}

/** `md5sum`: `hashsum md5`. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "md5sum [remote]",
  describe: "Produces an md5sum file for all the objects in the path",
  builder: (y) =>
    hashsumOptions(y.positional("remote", { type: "string", description: "remote:path (stdin when omitted or -)" })),
  handler: run("md5sum", (argv) => runHashsum("md5", argv.remote, argv)),
};
export default command;
