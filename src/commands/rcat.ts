import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { newFs } from "../fs/new-fs.js";
import { rcat } from "../fs/operations/rcat.js";
import { splitRemote } from "../fs/operations/target.js";
import { parseSize } from "../fs/units.js";
import { stdinIsData } from "./hashsum.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  size: number;
  "streaming-upload-cutoff": string;
}

/** `rcat`: stdin to one file, streamed (see `rcat` in operations for how each remote takes it). */
const command: CommandModule<GlobalArgs, Args> = {
  command: "rcat <remote>",
  describe: "Copies standard input to file on remote",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true, description: "remote:path/to/file" })
      .option("size", { type: "number", default: -1, description: "File size hint to preallocate" })
      .option("streaming-upload-cutoff", {
        type: "string",
        default: "100Ki",
        description: "Cutoff for switching to chunked upload if file size is unknown",
      }),
  handler: run("rcat", async (argv) => {
    // As rclone: a terminal on stdin means nothing was piped in.
    if (!stdinIsData()) throw new FsError("Usage", "nothing to read from standard input (stdin).");
    const { parent, leaf } = splitRemote(argv.remote);
    if (leaf === "") throw new FsError("Usage", `${argv.remote} is a directory: rcat needs a file name`);
    await rcat(await newFs(parent), leaf, process.stdin, {
      size: argv.size,
      cutoff: parseSize(argv["streaming-upload-cutoff"]),
      dryRun: argv["dry-run"],
    });
  }),
};
export default command;
