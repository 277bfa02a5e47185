/** `strata erasure status`: each file's health from its shards' headers and sizes (or content), and each upstream's. */
import type { Argv, CommandModule } from "yargs";
import {
  erasureStatus,
  type FileStatus,
  type StatusReport,
  statusProblem,
  type UpstreamStatus,
} from "../overlays/erasure/status.js";
import { openErasure, upstreamLine } from "./erasure-target.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface StatusArgs extends GlobalArgs {
  remote: string;
  json: boolean;
  files: boolean;
  verify: boolean;
  checkers: number;
  "no-probe": boolean;
}

const MARK: Record<FileStatus["state"], string> = {
  healthy: "",
  degraded: " DEGRADED",
  at_risk: " AT RISK",
  unreadable: " UNREADABLE",
};

/** `4/6 good (5 present) AT RISK: a/seg (shard 0 missing; shard 3 on upstream 3: size 100, should be 1384)`. */
function fileLine(f: FileStatus): string {
  const problems = f.shards.flatMap((s) =>
    s.state === "missing"
      ? [`shard ${s.index} missing`]
      : s.state === "bad"
        ? [`shard ${s.index} on upstream ${s.upstream}: ${s.reason}`]
        : [],
  );
  const why = problems.length > 0 ? ` (${problems.join("; ")})` : "";
  return `${f.good}/${f.n} good (${f.present} present)${MARK[f.state]}: ${f.remote}${why}`;
}

function upstreamStatusLine(u: UpstreamStatus): string {
  const write = u.writable === null ? "" : u.writable ? ", writable" : `, not writable (${u.writeError})`;
  const reads = u.readErrors > 0 ? `, ${u.readErrors} read errors` : "";
  return `${upstreamLine(u)}${u.reachable ? write : ""}${reads}`;
}

function summaryLine(r: StatusReport): string {
  return (
    `${r.files} files: ${r.healthy} healthy, ${r.degraded} degraded, ${r.atRisk} at risk, ` +
    `${r.unreadable} unreadable`
  );
}

const status: CommandModule<GlobalArgs, StatusArgs> = {
  command: "status <remote>",
  describe:
    "Show each file's health from its shards' headers and sizes (--verify: content) and each upstream's; " +
    "exit 1 below full health, 2 if a file cannot be read",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("files", { type: "boolean", default: false, description: "List every file (also with -v)" })
      .option("json", { type: "boolean", default: false, description: "Format output as JSON" })
      .option("verify", {
        type: "boolean",
        default: false,
        description: "Read every shard's content and check it, instead of headers and sizes",
      })
      .option("checkers", { type: "number", default: 8, description: "Shard reads to run in parallel" })
      .option("no-probe", {
        type: "boolean",
        default: false,
        description: "Do not write and remove a probe object on each upstream to test that it is writable",
      }) as Argv<StatusArgs>,
  handler: run("erasure status", async (argv) => {
    const { fs, scope } = await openErasure(argv.remote);
    const out = new Output();
    const files: FileStatus[] = [];
    const showAll = argv.files || argv.verbose > 0;
    let firstUnreadable: string | undefined;
    const report = await erasureStatus(fs, {
      ...scope,
      checkers: Math.max(1, argv.checkers),
      verify: argv.verify,
      probe: !argv["no-probe"] && !argv["dry-run"],
      onFile: (f) => {
        if (f.state === "unreadable") firstUnreadable ??= f.remote;
        if (argv.json) files.push(f);
        else if (showAll || f.state !== "healthy") out.line(fileLine(f));
      },
    });
    if (argv.json) {
      out.line(JSON.stringify({ ...report, fileList: files }, null, "\t"));
    } else {
      for (const u of report.upstreams) out.line(upstreamStatusLine(u));
      out.line(summaryLine(report));
    }
    await out.end();
    const problem = statusProblem(report, firstUnreadable);
    if (problem) throw problem;
  }),
};
export default status;
