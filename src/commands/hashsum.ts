import { fstatSync } from "node:fs";
import { open } from "node:fs/promises";
import type { Argv, CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import type { HashType } from "../fs/hashes.js";
import { hashLines, hashStreamLine, parseHashType, supportedHashesHelp } from "../fs/operations/hashsum.js";
import { openFilteredTarget } from "../fs/operations/list.js";
import { type GlobalArgs, Output, run } from "./shared.js";

/** Flags `hashsum`, `md5sum` and `sha1sum` share. */
export interface HashsumFlags extends GlobalArgs, FilterArgs {
  base64: boolean;
  download: boolean;
  "output-file"?: string;
  "max-depth": number;
}

interface Args extends HashsumFlags {
  hash?: string;
  remote?: string;
}

/** Adds the flags the hash commands share to a command builder. */
export function hashsumOptions<T>(y: Argv<T>) {
  return filterFlags(y)
    .option("base64", { type: "boolean", default: false, description: "Output base64 encoded hashsum" })
    .option("download", {
      type: "boolean",
      default: false,
      description:
        "Download the file and hash it locally; if this flag is not specified, the hash is requested from the remote",
    })
    .option("output-file", { type: "string", description: "Output hashsums to a file rather than the terminal" })
    .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" });
}

/**
 * True when a positional argument was a lone `-`. yargs hands such a positional over as `""` (it
 * re-parses positionals as `--name -`), so the raw command line decides.
 */
export function isDashArg(value: string | undefined): boolean {
  return value === "-" || (value === "" && process.argv.slice(2).includes("-"));
}

/** True when stdin is a pipe or file rather than a terminal (rclone's test for reading `-`). */
export function stdinIsData(): boolean {
  try {
    return !fstatSync(0).isCharacterDevice();
  } catch {
    return false;
  }
}

/** Where hash lines go: stdout, or the `--output-file` (created even when nothing is listed). */
async function lineSink(file: string | undefined): Promise<{ line(s: string): void; end(): Promise<void> }> {
  if (file === undefined) return new Output();
  const fh = await open(file, "w");
  let text = "";
  return {
    line: (s) => {
      text += `${s}\n`;
    },
    end: async () => {
      try {
        await fh.writeFile(text);
      } finally {
        await fh.close();
      }
    },
  };
}

/**
 * Runs a hash listing for `remote` (or stdin when it is absent, or `-` with data on stdin), writing
 * `hash  path` lines to stdout or `--output-file`.
 */
export async function runHashsum(type: HashType, remote: string | undefined, argv: HashsumFlags): Promise<void> {
  // As rclone, which builds its filter before it runs a command: a bad filter fails even on stdin.
  const filter = await Filter.create(filterOptionsFromArgs(argv));
  const sink = await lineSink(argv["output-file"]);
  try {
    if (remote === undefined || (isDashArg(remote) && stdinIsData())) {
      sink.line(await hashStreamLine(process.stdin, type, argv.base64));
      return;
    }
    const target = await openFilteredTarget(isDashArg(remote) ? "-" : remote, filter);
    for await (const line of hashLines(target, type, {
      download: argv.download,
      base64: argv.base64,
      maxDepth: argv["max-depth"],
      filter,
    })) {
      sink.line(line);
    }
  } finally {
    await sink.end();
  }
}

/** `hashsum`: md5sum-style lines for any supported hash; with no arguments, lists the hashes. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "hashsum [hash] [remote]",
  describe: "Produces a hashsum file for all the objects in the path",
  builder: (y) =>
    hashsumOptions(
      y
        .positional("hash", { type: "string", description: "Hash type (run without arguments for the list)" })
        .positional("remote", { type: "string", description: "remote:path (stdin when omitted or -)" }),
    ),
  handler: run("hashsum", async (argv) => {
    const out = new Output();
    if (argv.hash === undefined) {
      out.write(supportedHashesHelp());
      await out.end();
      return;
    }
    let type: HashType;
    try {
      type = parseHashType(argv.hash);
    } catch (err) {
      out.line(supportedHashesHelp());
      await out.end();
      throw err;
    }
    await runHashsum(type, argv.remote, argv);
  }),
};
export default command;
