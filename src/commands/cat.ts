import type { CommandModule } from "yargs";
import { cat, catRange } from "../fs/operations/cat.js";
import { openTarget } from "../fs/operations/target.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  head: number;
  tail: number;
  offset: number;
  count: number;
  discard: boolean;
  "max-depth": number;
}

/**
 * A writer for stdout that waits when the pipe is full and reports a reader that went away (EPIPE, as
 * with `| head -c 10`) as `false` instead of crashing on the unhandled stream error.
 */
export function stdoutWriter(): (chunk: Uint8Array) => Promise<boolean> {
  let closed = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    closed = true;
  });
  return async (chunk) => {
    if (closed) return false;
    if (!process.stdout.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          process.stdout.off("drain", done);
          process.stdout.off("error", done);
          resolve();
        };
        process.stdout.on("drain", done);
        process.stdout.on("error", done);
      });
    }
    return !closed;
  };
}

/** What a process killed by SIGPIPE exits with, as rclone does when its reader goes away. */
export const SIGPIPE_EXIT = 128 + 13;

/** `cat`: file contents (every file below a directory) to stdout, whole or a range of each. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "cat <remote>",
  describe: "Concatenates any files and sends them to stdout",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("head", { type: "number", default: 0, description: "Only print the first N characters" })
      .option("tail", { type: "number", default: 0, description: "Only print the last N characters" })
      .option("offset", { type: "number", default: 0, description: "Start printing at offset N (or from end if -ve)" })
      .option("count", { type: "number", default: -1, description: "Only print N characters" })
      .option("discard", { type: "boolean", default: false, description: "Discard the output instead of printing" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("cat", async (argv) => {
    const range = catRange({ head: argv.head, tail: argv.tail, offset: argv.offset, count: argv.count });
    const target = await openTarget(argv.remote);
    const write = stdoutWriter();
    for await (const chunk of cat(target, { ...range, maxDepth: argv["max-depth"] })) {
      if (argv.discard) continue;
      // Leaving the loop closes the file being read.
      if (!(await write(chunk))) {
        process.exitCode = SIGPIPE_EXIT;
        return;
      }
    }
  }),
};
export default command;
