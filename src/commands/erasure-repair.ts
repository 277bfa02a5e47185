/** `strata erasure repair [--watch]`: sweep an erasure tree and rebuild what is missing or bad, once or as a daemon. */
import type { Argv, CommandModule } from "yargs";
import { parseBwLimit } from "../fs/accounting/bwlimit-flag.js";
import { FsError } from "../fs/errors.js";
import { log } from "../fs/log.js";
import { parseDuration } from "../fs/units.js";
import { runRepair, withBandwidth } from "../overlays/erasure/repair/daemon.js";
import { RepairMetrics } from "../overlays/erasure/repair/metrics.js";
import { type MetricsServer, serveMetrics } from "../overlays/erasure/repair/metrics-server.js";
import type { SweepResult } from "../overlays/erasure/repair/sweep.js";
import { openErasure } from "./erasure-target.js";
import { type GlobalArgs, run } from "./shared.js";

interface RepairArgs extends GlobalArgs {
  remote: string;
  watch: boolean;
  interval: string;
  "verify-rate": string;
  transfers: number;
  checkers: number;
  bwlimit: string;
  "metrics-addr"?: string;
}

/** What a single sweep ends with: `Corrupt` when a file cannot be read, else an error when a repair failed. */
function sweepProblem(r: SweepResult | undefined): FsError | undefined {
  if (!r) return undefined;
  if (r.unreadable !== undefined) {
    return new FsError("Corrupt", "fewer than k good shards, cannot be repaired", { path: r.unreadable });
  }
  if (r.failed.length > 0)
    return new FsError("Other", `${r.failed.length} file(s) not repaired: ${r.failed.join(", ")}`);
  return undefined;
}

/** Aborts `controller` on SIGINT or SIGTERM until the returned function is called. */
function stopOnSignals(controller: AbortController): () => void {
  const stop = (signal: NodeJS.Signals) => {
    log.notice(undefined, `${signal} received: stopping after the current step`);
    controller.abort(new FsError("Other", `stopped by ${signal}`));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
}

const repair: CommandModule<GlobalArgs, RepairArgs> = {
  command: "repair <remote>",
  describe: "Sweep the tree and rebuild missing or bad shards, fewest spare shards first; --watch keeps sweeping",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("watch", { type: "boolean", default: false, description: "Keep sweeping every --interval until stopped" })
      .option("interval", { type: "string", default: "10m", description: "Time between sweeps with --watch" })
      .option("verify-rate", {
        type: "string",
        default: "off",
        description: "Shard bytes per second read to verify content, e.g. 10M (a bare number is KiB/s)",
      })
      .option("transfers", { type: "number", default: 4, description: "Files to rebuild in parallel" })
      .option("checkers", { type: "number", default: 8, description: "Shard reads and verifications in parallel" })
      .option("bwlimit", {
        type: "string",
        default: "off",
        description: "Bandwidth limit of every shard read and write, or UP:DOWN, in KiB/s or with suffix B|K|M|G|T|P",
      })
      .option("metrics-addr", {
        type: "string",
        description: "Serve Prometheus metrics at http://ADDR/metrics (host:port; off by default)",
      }) as Argv<RepairArgs>,
  handler: run("erasure repair", async (argv) => {
    const intervalMs = parseDuration(argv.interval);
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) throw new FsError("Usage", "--interval must be positive");
    const verifyRate = parseBwLimit(argv["verify-rate"]).read;
    const { fs } = await openErasure(argv.remote);
    const metrics = new RepairMetrics(fs.plan.remotes);
    let server: MetricsServer | undefined;
    if (argv["metrics-addr"] !== undefined) {
      server = await serveMetrics(metrics.registry, argv["metrics-addr"]);
      const { address, port } = server.address;
      log.info(
        undefined,
        `serving metrics on http://${address.includes(":") ? `[${address}]` : address}:${port}/metrics`,
      );
    }
    const controller = new AbortController();
    const unlisten = stopOnSignals(controller);
    try {
      const last = await runRepair(withBandwidth(fs, parseBwLimit(argv.bwlimit)), {
        watch: argv.watch,
        intervalMs,
        checkers: Math.max(1, argv.checkers),
        transfers: Math.max(1, argv.transfers),
        verifyRate,
        dryRun: argv["dry-run"],
        signal: controller.signal,
        metrics,
      });
      const problem = argv.watch || controller.signal.aborted ? undefined : sweepProblem(last);
      if (problem) throw problem;
    } finally {
      unlisten();
      await server?.close();
    }
  }),
};
export default repair;
