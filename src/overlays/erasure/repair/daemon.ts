/**
 * The repair daemon (`strata erasure repair --watch`): sweeps an erasure tree every interval and
 * repairs what it finds (sweep.ts). It keeps no state of its own beyond the process: the storage is
 * the state, so a restarted daemon's first sweep finds whatever is left to do.
 */
import type { BandwidthBuckets } from "../../../fs/accounting/bwlimit-flag.js";
import { ThrottleFs } from "../../../fs/layers/throttle.js";
import { log } from "../../../fs/log.js";
import { formatDuration } from "../../../fs/units.js";
import { ErasureFs } from "../fs.js";
import { LeftoverTracker } from "./leftovers.js";
import { type SweepOptions, type SweepResult, sweep } from "./sweep.js";

export interface DaemonOptions extends Omit<SweepOptions, "leftovers"> {
  /** Sweep again every `intervalMs` until `signal` aborts; without it, one sweep. */
  watch: boolean;
  intervalMs: number;
  /** Called after each sweep that finished. */
  onSweep?: (r: SweepResult) => void;
}

/**
 * The same erasure remote with every byte its upstreams read and write passed through `buckets`
 * (`--bwlimit`): rebuilds read and write shards directly, so they are limited below the overlay.
 */
export function withBandwidth(fs: ErasureFs, buckets: BandwidthBuckets): ErasureFs {
  if (!buckets.read && !buckets.write) return fs;
  const upstreams = fs.upstreams.map((u) => new ThrottleFs(u, buckets));
  return new ErasureFs(fs.name, fs.root, upstreams, fs.plan, fs.rs);
}

/**
 * Runs sweeps: one, or with `watch` one every `intervalMs` (counted from the end of the previous)
 * until `signal` aborts. In watch mode a sweep that fails (no upstream answers, say) is logged and
 * counted, and the next one tries again; the daemon itself never stops on an error. Returns the
 * last finished sweep's result; a single sweep throws what it throws.
 */
export async function runRepair(fs: ErasureFs, o: DaemonOptions): Promise<SweepResult | undefined> {
  const leftovers = new LeftoverTracker();
  let last: SweepResult | undefined;
  for (let n = 1; ; n++) {
    try {
      last = await sweep(fs, { ...o, leftovers });
      o.metrics?.sweepDone({
        files: last.files,
        upstreams: last.upstreams.map((u) => ({ ...u, upstream: fs.plan.remotes[u.index] ?? String(u.index) })),
        durationMs: last.durationMs,
        endedAt: new Date(),
      });
      logSweep(fs, n, last);
      o.onSweep?.(last);
    } catch (err) {
      if (o.signal?.aborted) return last;
      if (!o.watch) throw err;
      o.metrics?.sweepFailed();
      log.error(
        fs.toString(),
        `sweep ${n} failed (next in ${formatDuration(o.intervalMs)}): ${(err as Error).message}`,
      );
    }
    if (!o.watch || !(await pause(o.intervalMs, o.signal))) return last;
  }
}

function logSweep(fs: ErasureFs, n: number, r: SweepResult): void {
  const f = r.files;
  const total = f.healthy + f.degraded + f.at_risk + f.unreadable;
  const down = r.upstreams.filter((u) => !u.reachable).map((u) => fs.plan.remotes[u.index] ?? u.index);
  const text =
    `sweep ${n}: ${total} files: ${f.healthy} healthy, ${f.degraded} degraded, ${f.at_risk} at risk, ` +
    `${f.unreadable} unreadable; ${r.repaired} repaired, ${r.failed.length} not` +
    (down.length > 0 ? `; unreachable: ${down.join(", ")}` : "") +
    ` (${formatDuration(r.durationMs)})`;
  if (total === f.healthy && down.length === 0) log.info(fs.toString(), text);
  else log.notice(fs.toString(), text);
}

/** Waits `ms`; false when `signal` aborted first. */
function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
      resolve(slept);
    };
    const stop = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", stop, { once: true });
  });
}
