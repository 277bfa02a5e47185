import { createWriteStream, type WriteStream } from "node:fs";
import type { Argv, CommandModule } from "yargs";
import { Stats } from "../fs/accounting/stats.js";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { newFs } from "../fs/new-fs.js";
import { openTarget } from "../fs/operations/target.js";
import { assertNoDifferences, type CheckVerdict, COMBINED_MARK, check } from "../fs/sync/check.js";
import { type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  source: string;
  dest: string;
  "one-way": boolean;
  download: boolean;
  "size-only": boolean;
  checkers: number;
  combined?: string;
  "missing-on-src"?: string;
  "missing-on-dst"?: string;
  match?: string;
  differ?: string;
  error?: string;
}

const REPORTS: [keyof ReportArgs, CheckVerdict | "combined"][] = [
  ["combined", "combined"],
  ["missing-on-src", "missingOnSrc"],
  ["missing-on-dst", "missingOnDst"],
  ["match", "match"],
  ["differ", "differ"],
  ["error", "error"],
];

/**
 * The two sides of a check (`check`, `cryptcheck`): the source may name a single file, which the
 * filter then limits the check to.
 */
export async function openCheckPair(argv: FilterArgs & { source: string; dest: string }) {
  const src = await openTarget(argv.source);
  const dst = await newFs(argv.dest);
  const filter = await Filter.create({
    ...filterOptionsFromArgs(argv),
    ...(src.file ? { include: [`/${src.file.remote.replace(/[[\]*?{}\\]/g, "\\$&")}`] } : {}),
  });
  return { src, dst, filter };
}

/** The flags `check` shares with `cryptcheck`: what to check and where to report it. */
export type ReportArgs = Pick<
  Args,
  "one-way" | "checkers" | "combined" | "missing-on-src" | "missing-on-dst" | "match" | "differ" | "error"
>;

export function reportFlags<T>(y: Argv<T>): Argv<T & ReportArgs> {
  return y
    .option("one-way", {
      type: "boolean",
      default: false,
      description: "Check one way only, source files must exist on remote",
    })
    .option("checkers", { type: "number", default: 8, description: "Number of checkers to run in parallel" })
    .option("combined", { type: "string", description: "Make a combined report of changes to this file" })
    .option("missing-on-src", {
      type: "string",
      description: "Report all files missing from the source to this file",
    })
    .option("missing-on-dst", {
      type: "string",
      description: "Report all files missing from the destination to this file",
    })
    .option("match", { type: "string", description: "Report all matching files to this file" })
    .option("differ", { type: "string", description: "Report all non-matching files to this file" })
    .option("error", {
      type: "string",
      description: "Report all files with errors (hashing or reading) to this file",
    }) as unknown as Argv<T & ReportArgs>;
}

/** Opens the report files (`-` is stdout) and returns the report callback and a closer. */
export function openReports(argv: ReportArgs) {
  const sinks: { kind: CheckVerdict | "combined"; out: NodeJS.WritableStream; file?: WriteStream }[] = [];
  for (const [flag, kind] of REPORTS) {
    const path = argv[flag] as string | undefined;
    if (path === undefined) continue;
    const file = path === "-" ? undefined : createWriteStream(path);
    sinks.push({ kind, out: file ?? process.stdout, file });
  }
  const report = (v: CheckVerdict, remote: string) => {
    for (const s of sinks) {
      if (s.kind === "combined") s.out.write(`${COMBINED_MARK[v]} ${remote}\n`);
      else if (s.kind === v) s.out.write(`${remote}\n`);
    }
  };
  const close = () =>
    Promise.all(sinks.map((s) => (s.file ? new Promise<void>((resolve) => s.file?.end(resolve)) : undefined)));
  return { report, close };
}

/** `check`: are source and dest the same? By hash where both have one, else size; bytes with --download. */
const command: CommandModule<object, Args> = {
  command: "check <source> <dest>",
  describe: "Check if the files in the source and destination match",
  builder: (y) =>
    reportFlags(filterFlags(y))
      .option("download", {
        type: "boolean",
        default: false,
        description: "Check by downloading rather than with hash",
      })
      .option("size-only", {
        type: "boolean",
        default: false,
        description: "Only compare the sizes, not the hashes as well",
      })
      .positional("source", { type: "string", demandOption: true })
      .positional("dest", { type: "string", demandOption: true }) as never,
  handler: run("check", async (argv) => {
    const { src, dst, filter } = await openCheckPair(argv);
    const { report, close } = openReports(argv);
    try {
      const result = await check(src.fs, dst, {
        stats: new Stats(),
        checkers: argv.checkers,
        maxBacklog: argv["max-backlog"],
        listCutoff: argv["list-cutoff"],
        filter,
        oneWay: argv["one-way"],
        download: argv.download,
        sizeOnly: argv["size-only"],
        report,
      });
      assertNoDifferences(result, argv["one-way"]);
    } finally {
      await close();
    }
  }),
};
export default command;
