import type { CommandModule } from "yargs";
import { type HashsumFlags, hashsumOptions, runHashsum } from "./hashsum.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends HashsumFlags {
  remote?: string;
}

/** `sha1sum`: `hashsum sha1`. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "sha1sum [remote]",
  describe: "Produces an sha1sum file for all the objects in the path",
  builder: (y) =>
    hashsumOptions(y.positional("remote", { type: "string", description: "remote:path (stdin when omitted or -)" })),
  handler: run("sha1sum", (argv) => runHashsum("sha1", argv.remote, argv)),
};
export default command;
