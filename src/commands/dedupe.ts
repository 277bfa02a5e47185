import { createInterface } from "node:readline";
import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { newFs } from "../fs/new-fs.js";
import {
  type DedupeChoice,
  type DedupeGroup,
  type DedupeMode,
  dedupe,
  parseDedupeMode,
} from "../fs/operations/dedupe.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  first: string;
  second?: string;
  "dedupe-mode": string;
  "by-hash": boolean;
}

/** Reads answers from stdin, one line each; at the end of input it fails as rclone does (exit 1). */
function lineReader(): { next(): Promise<string>; close(): void } {
  const rl = createInterface({ input: process.stdin, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async next() {
      const r = await lines.next();
      if (r.done) throw new FsError("Usage", "Failed to read line: EOF");
      return r.value;
    },
    close: () => rl.close(),
  };
}

/** rclone's interactive questions: a letter among the commands, then the number of the file to keep. */
function askOnStdin(out: Output, answers: ReturnType<typeof lineReader>) {
  return async (group: DedupeGroup, canRename: boolean): Promise<DedupeChoice> => {
    const commands = [
      "sSkip and do nothing",
      "kKeep just one (choose which in next step)",
      ...(canRename ? ["rRename all to be different (by changing file.jpg to file-1.jpg)"] : []),
      "qQuit",
    ];
    for (const c of commands) out.line(`${c[0]}) ${c.slice(1)}`);
    const letters = commands.map((c) => c[0]);
    let letter = "";
    for (;;) {
      out.write(`${letters.join("/")}> `);
      await out.end();
      letter = (await answers.next()).trim().toLowerCase();
      if (letter.length === 1 && letters.includes(letter)) break;
      out.line(`This value must be one of the following characters: ${letters.join(", ")}.`);
    }
    if (letter === "s") return { action: "skip" };
    if (letter === "r") return { action: "rename" };
    if (letter === "q") return { action: "quit" };
    for (;;) {
      out.write("Enter the number of the file to keep> ");
      await out.end();
      const text = (await answers.next()).trim();
      const n = Number(text);
      if (!/^[+-]?\d+$/.test(text)) out.line(`Bad number: strconv.Atoi: parsing "${text}": invalid syntax`);
      else if (n < 1 || n > group.files.length) out.line(`Out of range - 1 to ${group.files.length} inclusive`);
      else return { action: "keep", n };
    }
  };
}

/**
 * `dedupe [mode] remote:path`: finds files with duplicate names (none can exist on strata's
 * backends) or, with --by-hash, identical content, and lists, deletes all but one, or renames them.
 */
const command: CommandModule<object, Args> = {
  command: "dedupe <first> [second]",
  describe: "Interactively find duplicate filenames and delete/rename them",
  builder: (y) =>
    y
      .option("dedupe-mode", {
        type: "string",
        default: "interactive",
        description: "Dedupe mode interactive|skip|first|newest|oldest|largest|smallest|rename",
      })
      .option("by-hash", { type: "boolean", default: false, description: "Find identical hashes rather than names" })
      .positional("first", { type: "string", demandOption: true, description: "[mode] or remote:path" })
      .positional("second", { type: "string", description: "remote:path when a mode is given first" }) as never,
  handler: run("dedupe", async (argv) => {
    // As rclone: the mode flag is checked even when a mode is given as the first argument.
    let mode: DedupeMode = parseDedupeMode(argv["dedupe-mode"]);
    if (argv.second !== undefined) mode = parseDedupeMode(argv.first);
    const fs = await newFs(argv.second ?? argv.first);
    const out = new Output();
    const answers = mode === "interactive" ? lineReader() : undefined;
    try {
      const errors = await dedupe(fs, {
        mode,
        byHash: argv["by-hash"],
        dryRun: argv["dry-run"],
        print: (line) => out.line(line),
        choose: answers ? askOnStdin(out, answers) : undefined,
      });
      if (errors > 0) throw new FsError("Other", `${errors} errors while deduplicating`);
    } finally {
      await out.end();
      answers?.close();
    }
  }),
};
export default command;
