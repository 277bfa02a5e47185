import type { Argv, CommandModule } from "yargs";
import { Stats } from "../fs/accounting/stats.js";
import { openTarget } from "../fs/operations/target.js";
import { formatSize } from "../fs/units.js";
import type { ErasureFs } from "../overlays/erasure/fs.js";
import { rebuildErasure } from "../overlays/erasure/rebuild.js";
import type { ScanOptions, UpstreamTally } from "../overlays/erasure/scan.js";
import { erasureStatus, type FileStatus } from "../overlays/erasure/status.js";
import { erasureOf } from "../overlays/erasure/unwrap.js";
import { type FileCheck, verifyErasure, verifyProblem } from "../overlays/erasure/verify.js";
import { type ProgressArgs, progressFlags, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, ProgressArgs {
  remote: string;
  json: boolean;
  files: boolean;
}

/** Runs `work` with a Stats that --progress and --stats report, printing the final stats at the end. */
async function withProgress<T>(argv: Args, work: (stats: Stats) => Promise<T>): Promise<T> {
  const stats = new Stats();
  const stop = progressFromArgs(stats, argv, argv["dry-run"]);
  try {
    return await work(stats);
  } finally {
    stop();
  }
}

/** The erasure Fs and what to scan: a directory tree, or one file when the argument names one. */
async function openErasure(spec: string): Promise<{ fs: ErasureFs; scope: ScanOptions }> {
  const target = await openTarget(spec);
  return { fs: erasureOf(target.fs), scope: target.file ? { file: target.file.remote } : {} };
}

function upstreamLine(t: UpstreamTally): string {
  const state = t.reachable ? `${t.shards} shards, ${formatSize(t.bytes)}` : `unreachable (${t.error})`;
  return `upstream ${t.index} ${t.upstream}: ${state}`;
}

function fileStatusLine(f: FileStatus, k: number, n: number): string {
  const mark =
    f.state === "unreadable"
      ? " UNREADABLE"
      : f.state === "degraded"
        ? f.healthy === k
          ? " AT RISK"
          : " DEGRADED"
        : "";
  return `${f.present}/${n} present, ${f.healthy}/${n} healthy${mark}: ${f.remote}`;
}

function fileCheckLine(f: FileCheck, n: number): string {
  const problems = f.shards.flatMap((s) =>
    s.state === "missing" ? [`shard ${s.index} missing`] : s.state === "bad" ? [`shard ${s.index} ${s.reason}`] : [],
  );
  if (!f.readable) problems.push(`UNREADABLE: ${f.unreadable}`);
  return `${f.healthy}/${n} healthy: ${f.remote}${problems.length > 0 ? ` (${problems.join("; ")})` : ""}`;
}

const status: CommandModule<GlobalArgs, Args> = {
  command: "status <remote>",
  describe: "Show shard presence per upstream and per file, from listings alone",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("files", { type: "boolean", default: false, description: "List every file (also with -v)" })
      .option("json", { type: "boolean", default: false, description: "Format output as JSON" }) as Argv<Args>,
  handler: run("erasure status", async (argv) => {
    const { fs, scope } = await openErasure(argv.remote);
    const out = new Output();
    const files: FileStatus[] = [];
    const { k, m } = fs.plan;
    const showFiles = argv.files || argv.verbose > 0;
    const report = await erasureStatus(fs, {
      ...scope,
      onFile: (f) => {
        if (argv.json) files.push(f);
        else if (showFiles || f.state !== "healthy") out.line(fileStatusLine(f, k, k + m));
      },
    });
    if (argv.json) {
      out.line(JSON.stringify({ ...report, fileList: files }, null, "\t"));
    } else {
      for (const t of report.upstreams) out.line(upstreamLine(t));
      out.line(
        `${report.files} files: ${report.healthy} healthy, ${report.degraded} degraded ` +
          `(${report.atRisk} at risk), ${report.unreadable} unreadable`,
      );
    }
    await out.end();
  }),
};

const verify: CommandModule<GlobalArgs, Args> = {
  command: "verify <remote>",
  describe: "Read every shard and check its checksums; exit 1 if a file lacks shards, 2 if one cannot be read",
  builder: (y) =>
    progressFlags(y).positional("remote", { type: "string", demandOption: true }).option("files", {
      type: "boolean",
      default: false,
      description: "List every file (also with -v)",
    }) as Argv<Args>,
  handler: run("erasure verify", async (argv) => {
    const { fs, scope } = await openErasure(argv.remote);
    const out = new Output();
    const n = fs.plan.k + fs.plan.m;
    const showAll = argv.files || argv.verbose > 0;
    const report = await withProgress(argv, (stats) =>
      verifyErasure(fs, {
        ...scope,
        stats,
        onFile: (f) => {
          if (showAll || f.healthy < n) out.line(fileCheckLine(f, n));
        },
      }),
    );
    for (const t of report.upstreams) if (!t.reachable) out.line(upstreamLine(t));
    out.line(
      `${report.files} files verified: ${report.files - report.degraded.length} healthy, ` +
        `${report.degraded.length - report.unreadable.length} degraded, ${report.unreadable.length} unreadable`,
    );
    await out.end();
    const problem = verifyProblem(report);
    if (problem) throw problem;
  }),
};

const rebuild: CommandModule<GlobalArgs, Args> = {
  command: "rebuild <remote>",
  describe: "Recreate missing and bad shards from the good ones, on the upstreams that should hold them",
  builder: (y) => progressFlags(y).positional("remote", { type: "string", demandOption: true }) as Argv<Args>,
  handler: run("erasure rebuild", async (argv) => {
    const { fs, scope } = await openErasure(argv.remote);
    const out = new Output();
    const verb = argv["dry-run"] ? "would rebuild" : "rebuilt";
    try {
      const report = await withProgress(argv, (stats) =>
        rebuildErasure(fs, {
          ...scope,
          stats,
          dryRun: argv["dry-run"],
          onFile: (r) => out.line(`${verb} shard${r.shards.length > 1 ? "s" : ""} ${r.shards.join(", ")}: ${r.remote}`),
        }),
      );
      out.line(`${report.files} files checked, ${report.rebuilt.length} ${verb}`);
    } finally {
      await out.end();
    }
  }),
};

/** `erasure`: health of an erasure remote's shards, and repair. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "erasure <action>",
  describe: "Check and repair an erasure remote (status, verify, rebuild)",
  builder: (y) => y.command(status).command(verify).command(rebuild).demandCommand(1) as Argv<Args>,
  handler: () => undefined,
};
export default command;
