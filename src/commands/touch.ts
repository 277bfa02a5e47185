import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { splitRemote } from "../fs/operations/target.js";
import { parseTouchTime, touch } from "../fs/operations/touch.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  "no-create": boolean;
  timestamp?: string;
  localtime: boolean;
  recursive: boolean;
  "max-depth": number;
}

/** `touch`: sets a file's modtime (creating it empty if missing), or of the files in a directory. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "touch <remote>",
  describe: "Create new file or change file modification time",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("no-create", {
        alias: "C",
        type: "boolean",
        default: false,
        description: "Do not create the file if it does not exist (implied with --recursive)",
      })
      .option("timestamp", {
        alias: "t",
        type: "string",
        description:
          "Use specified time instead of the current time of day (YYMMDD, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.SSS])",
      })
      .option("localtime", { type: "boolean", default: false, description: "Use localtime for timestamp, not UTC" })
      .option("recursive", { alias: "R", type: "boolean", default: false, description: "Recursively touch all files" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("touch", async (argv) => {
    const time = argv.timestamp !== undefined ? parseTouchTime(argv.timestamp, argv.localtime) : new Date();
    const { parent, leaf } = splitRemote(argv.remote);
    await touch(await newFs(parent), leaf, {
      time,
      noCreate: argv["no-create"],
      recursive: argv.recursive,
      maxDepth: argv["max-depth"],
      dryRun: argv["dry-run"],
    });
  }),
};
export default command;
