/**
 * One sweep of the repair daemon over an erasure tree: judge every file by its shards' headers
 * and sizes, queue the unhealthy ones fewest spare shards first (Storj's repair order) and rebuild
 * them `transfers` at a time, while every file that looked healthy has its content verified at the
 * verify rate; what that finds joins the queue. Stale temporary shards of killed uploads and
 * rebuilds are removed on the way.
 */
import PQueue from "p-queue";
import type { TokenBucket } from "../../../fs/accounting/bwlimit.js";
import { Stats } from "../../../fs/accounting/stats.js";
import { isFsError } from "../../../fs/errors.js";
import { log } from "../../../fs/log.js";
import { formatBytes, formatSize } from "../../../fs/units.js";
import { Layout } from "../format.js";
import type { ErasureFs } from "../fs.js";
import { rebuildFile } from "../rebuild.js";
import {
  newTallies,
  type ScannedFile,
  type StoredFile,
  scanShards,
  type TempShard,
  type UpstreamTally,
} from "../scan.js";
import {
  FILE_STATES,
  type FileState,
  type FileStatus,
  failedReads,
  fileStatus,
  type Judge,
  judgedVersion,
  stateOf,
} from "../status.js";
import { type FileCheck, type ShardCheck, verifyFile } from "../verify.js";
import type { LeftoverTracker } from "./leftovers.js";
import type { RepairMetrics } from "./metrics.js";

export interface SweepOptions {
  /** Header reads and content verifications in flight at once. */
  checkers: number;
  /** Files rebuilt at once. */
  transfers: number;
  /** Limits the shard bytes read to verify content (`--verify-rate`); unlimited when absent. */
  verifyRate?: TokenBucket;
  /** Say what would be repaired, change nothing. */
  dryRun?: boolean;
  signal?: AbortSignal;
  leftovers: LeftoverTracker;
  metrics?: RepairMetrics;
}

export interface SweepResult {
  /** Files by state as the sweep found them, before its repairs. */
  files: Record<FileState, number>;
  upstreams: UpstreamTally[];
  repaired: number;
  /** Files whose repair failed (unreadable ones included): the next sweep tries again. */
  failed: string[];
  /** The first unreadable file, if any. */
  unreadable?: string;
  durationMs: number;
}

/** A file waiting for repair, and what is known of it. */
interface RepairJob {
  version: StoredFile;
  /** Shards beyond k that are good: the queue serves the smallest first. */
  spare: number;
  /** The content check that found it, when it was found that way. */
  check?: FileCheck;
}

/** Runs one sweep over the whole tree of `fs`; throws only when no upstream answers (or on abort). */
export async function sweep(fs: ErasureFs, o: SweepOptions): Promise<SweepResult> {
  const started = Date.now();
  const upstreams = newTallies(fs);
  const files = Object.fromEntries(FILE_STATES.map((s) => [s, 0])) as Record<FileState, number>;
  const result: SweepResult = { files, upstreams, repaired: 0, failed: [], durationMs: 0 };
  const label = (upstream: number) => fs.plan.remotes[upstream] ?? String(upstream);
  const remoteError = (upstream: number) => o.metrics?.remoteError(label(upstream));
  const judge: Judge = { limit: new PQueue({ concurrency: o.checkers }), signal: o.signal, onReadError: remoteError };
  const repairs = new Repairs(fs, o, result, remoteError);

  // First pass: headers and sizes only, so every file the listings and headers show unhealthy is
  // known (and ordered) before the first rebuild starts.
  const found: RepairJob[] = [];
  const judged = new Map<string, FileState>();
  for await (const dir of scanShards(fs, upstreams, { signal: o.signal })) {
    await removeLeftovers(fs, dir.temps, o, remoteError);
    const statuses = dir.files.map((f) => fileStatus(fs, f, judge));
    for (const p of statuses) p.catch(() => undefined);
    for (const [x, pending] of statuses.entries()) {
      const status = await pending;
      judged.set(status.remote, status.state);
      files[status.state]++;
      if (status.state === "unreadable") repairs.unreadable(status);
      else if (status.state !== "healthy") {
        found.push({ version: judgedVersion(dir.files[x] as ScannedFile), spare: status.good - status.k });
      }
    }
  }
  o.leftovers.endSweep();
  for (const u of upstreams) {
    // Placement keeps new shards off upstreams whose listings fail, as after the Fs's own listings.
    if (u.reachable) fs.down.delete(u.index);
    else {
      fs.down.add(u.index);
      remoteError(u.index);
    }
  }
  found.sort((a, b) => a.spare - b.spare);
  for (const job of found) repairs.add(job);

  // Second pass: the content of every file the first pass found healthy, at the verify rate.
  const verifyStats = new Stats({ bwlimit: o.verifyRate });
  for await (const dir of scanShards(fs, newTallies(fs), { signal: o.signal })) {
    const healthy = dir.files.filter((f) => judged.get(f.remote) === "healthy");
    const checks = healthy.map((f) =>
      judge.limit.add(() => verifyFile(fs, judgedVersion(f), { signal: o.signal, stats: verifyStats })),
    );
    for (const p of checks) p.catch(() => undefined);
    for (const [x, pending] of checks.entries()) {
      const before = verifyStats.bytes;
      const check = await pending;
      o.metrics?.verified(verifyStats.bytes - before);
      for (const upstream of failedReads(check)) remoteError(upstream);
      const { k } = check;
      const n = check.k + check.m;
      if (check.healthy === n) continue;
      const state = stateOf(check.healthy, k, n, check.readable);
      files.healthy--;
      files[state]++;
      const version = judgedVersion(healthy[x] as ScannedFile);
      if (state === "unreadable") repairs.unreadable({ remote: check.remote, good: check.healthy, k });
      else repairs.add({ version, spare: check.healthy - k, check });
    }
  }
  await repairs.done();
  result.durationMs = Date.now() - started;
  return result;
}

/** Removes the temporary shards a previous sweep saw unchanged (see `LeftoverTracker`). */
async function removeLeftovers(
  fs: ErasureFs,
  temps: readonly TempShard[],
  o: SweepOptions,
  remoteError: (upstream: number) => void,
): Promise<void> {
  for (const t of temps) {
    if (!o.leftovers.stale(t) || fs.isWriting(t.remote, t.shard.vid)) continue;
    if (o.dryRun) {
      log.notice(t.obj.remote, "Skipped remove stale temporary shard as --dry-run is set");
      continue;
    }
    try {
      await t.obj.remove({ signal: o.signal });
      log.info(t.obj.remote, `Removed stale temporary shard (upstream ${t.upstream}, ${formatSize(t.obj.size)})`);
      o.metrics?.tempRemoved();
    } catch (err) {
      if (isFsError(err, "ObjectNotFound")) continue;
      remoteError(t.upstream);
      log.notice(t.obj.remote, `stale temporary shard not removed: ${(err as Error).message}`);
    }
  }
}

/** The repair queue of one sweep: rebuilds `transfers` at a time, fewest spare shards first. */
class Repairs {
  private readonly queue: PQueue;
  private readonly verifyStats = new Stats();

  constructor(
    private readonly fs: ErasureFs,
    private readonly o: SweepOptions,
    private readonly result: SweepResult,
    private readonly remoteError: (upstream: number) => void,
  ) {
    this.queue = new PQueue({ concurrency: o.transfers });
    const report = () => o.metrics?.queueLength(this.queue.size + this.queue.pending);
    this.queue.on("add", report);
    this.queue.on("next", report);
  }

  add(job: RepairJob): void {
    // p-queue runs higher priorities first; among equals, in the order added.
    void this.queue.add(() => this.repair(job), { priority: -job.spare }).catch(() => undefined);
  }

  /** Notes a file that cannot be repaired: fewer than k good shards. */
  unreadable(f: Pick<FileStatus, "remote" | "good" | "k">): void {
    this.result.unreadable ??= f.remote;
    this.result.failed.push(f.remote);
    log.error(f.remote, `cannot be repaired: ${f.good} good shards, ${f.k} needed to read it`);
  }

  async done(): Promise<void> {
    await this.queue.onIdle();
    this.o.metrics?.queueLength(0);
  }

  private async repair(job: RepairJob): Promise<void> {
    const { fs, o } = this;
    const remote = job.version.remote;
    try {
      const before = this.verifyStats.bytes;
      const check = job.check ?? (await verifyFile(fs, job.version, { signal: o.signal, stats: this.verifyStats }));
      o.metrics?.verified(this.verifyStats.bytes - before);
      for (const upstream of failedReads(check)) this.remoteError(upstream);
      const bad = check.shards.filter((s) => s.state !== "ok");
      if (bad.length === 0) return;
      if (!check.readable) {
        this.unreadable({ remote, good: check.healthy, k: check.k });
        return;
      }
      const where = `shard${bad.length > 1 ? "s" : ""} ${bad.map((s) => this.describe(check, s)).join(", ")}`;
      if (o.dryRun) {
        log.notice(remote, `Skipped repair of ${where} as --dry-run is set`);
        return;
      }
      await rebuildFile(fs, check, { signal: o.signal });
      const segmentSize = check.header?.segmentSize ?? fs.plan.segmentSize;
      const bytes = bad.length * new Layout(check.size, check.k, segmentSize).shardObjectSize;
      this.result.repaired++;
      o.metrics?.repaired(bad.length, bytes);
      log.notice(remote, `Repaired ${where}: wrote ${formatBytes(bytes)}`);
    } catch (err) {
      if (o.signal?.aborted) throw err;
      this.result.failed.push(remote);
      o.metrics?.repairFailed();
      log.error(remote, `repair failed (next sweep tries again): ${(err as Error).message}`);
    }
  }

  /** A shard to rebuild, for the log: `3 (missing)` or `2 (bad on s3a:ec: why)`. */
  private describe(check: FileCheck, s: Exclude<ShardCheck, { state: "ok" }>): string {
    if (s.state === "missing") return `${s.index} (missing)`;
    const home = check.homes[s.index] as number;
    return `${s.index} (bad on ${this.fs.plan.remotes[home] ?? home}: ${s.reason})`;
  }
}
