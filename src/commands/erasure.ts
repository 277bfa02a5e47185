import type { Argv, CommandModule } from "yargs";
import { Stats } from "../fs/accounting/stats.js";
import { type FileRebuild, rebuildErasure } from "../overlays/erasure/rebuild.js";
import { type FileReencode, reencodeErasure } from "../overlays/erasure/reencode.js";
import { type FileCheck, verifyErasure, verifyProblem } from "../overlays/erasure/verify.js";
import repair from "./erasure-repair.js";
import status from "./erasure-status.js";
import { openErasure, upstreamLine } from "./erasure-target.js";
import { type ProgressArgs, progressFlags, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, ProgressArgs {
  remote: string;
  files: boolean;
  reencode?: boolean;
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

function fileCheckLine(f: FileCheck, n: number): string {
  const problems = f.shards.flatMap((s) =>
    s.state === "missing" ? [`shard ${s.index} missing`] : s.state === "bad" ? [`shard ${s.index} ${s.reason}`] : [],
  );
  if (!f.readable) problems.push(`UNREADABLE: ${f.unreadable}`);
  return `${f.healthy}/${n} healthy: ${f.remote}${problems.length > 0 ? ` (${problems.join("; ")})` : ""}`;
}

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
  builder: (y) =>
    progressFlags(y).positional("remote", { type: "string", demandOption: true }).option("reencode", {
      type: "boolean",
      default: false,
      description:
        "Rewrite files stored with another k, m, segment size or name format, or placed against the groups, with the current ones",
    }) as Argv<Args>,
  handler: run("erasure rebuild", async (argv) => {
    const { fs, scope } = await openErasure(argv.remote);
    const out = new Output();
    const dryRun = argv["dry-run"];
    try {
      const summary = await withProgress(argv, async (stats) => {
        if (argv.reencode) {
          // Re-encode: each outdated file becomes a new version through the upload path (reencode.ts).
          const verb = dryRun ? "would re-encode" : "re-encoded";
          const onFile = (r: FileReencode) => out.line(`${verb} (${r.why}): ${r.remote}`);
          const report = await reencodeErasure(fs, { ...scope, stats, dryRun, onFile });
          return `${report.files} files checked, ${report.reencoded.length} ${verb}`;
        }
        const verb = dryRun ? "would rebuild" : "rebuilt";
        const onFile = (r: FileRebuild) =>
          out.line(`${verb} shard${r.shards.length > 1 ? "s" : ""} ${r.shards.join(", ")}: ${r.remote}`);
        const report = await rebuildErasure(fs, { ...scope, stats, dryRun, onFile });
        return `${report.files} files checked, ${report.rebuilt.length} ${verb}`;
      });
      out.line(summary);
    } finally {
      await out.end();
    }
  }),
};

/** `erasure`: health of an erasure remote's shards, and repair. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "erasure <action>",
  describe: "Check and repair an erasure remote (status, verify, rebuild, repair)",
  builder: (y) =>
    y
      .command(status as unknown as CommandModule<GlobalArgs, Args>)
      .command(verify)
      .command(rebuild)
      .command(repair as unknown as CommandModule<GlobalArgs, Args>)
      .demandCommand(1) as Argv<Args>,
  handler: () => undefined,
};
export default command;
