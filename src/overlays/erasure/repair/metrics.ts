/**
 * The repair daemon's Prometheus metrics (prom-client), in a registry of their own so a library
 * user's default registry is left alone. Names and meanings are listed in docs/erasure.md.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { FILE_STATES, type FileState } from "../status.js";

const PREFIX = "strata_erasure_";

/** What one finished sweep found, for the gauges that describe the tree. */
export interface SweepFacts {
  files: Record<FileState, number>;
  /** Per upstream (by its remote string): whether it answered, its committed shards and their bytes. */
  upstreams: { upstream: string; reachable: boolean; shards: number; bytes: number }[];
  durationMs: number;
  endedAt: Date;
}

export class RepairMetrics {
  readonly registry = new Registry();
  private readonly files = this.gauge("files", "Files by health state, as the last finished sweep found them", [
    "state",
  ]);
  private readonly shards = this.gauge("shards", "Committed shards on each upstream (last sweep)", ["upstream"]);
  private readonly shardBytes = this.gauge("shard_bytes", "Bytes of committed shards on each upstream (last sweep)", [
    "upstream",
  ]);
  private readonly upstreamUp = this.gauge("upstream_up", "1 when the upstream's listings worked in the last sweep", [
    "upstream",
  ]);
  private readonly queue = this.gauge("repair_queue_length", "Files waiting for repair or being repaired", []);
  private readonly sweepSeconds = this.gauge("sweep_duration_seconds", "How long the last sweep took", []);
  private readonly lastSweep = this.gauge("last_sweep_timestamp_seconds", "When the last sweep ended (Unix time)", []);
  private readonly sweeps = this.counter("sweeps_total", "Sweeps finished", []);
  private readonly sweepFailures = this.counter("sweep_failures_total", "Sweeps that stopped on an error", []);
  private readonly repairedFiles = this.counter(
    "repaired_files_total",
    "Files whose missing or bad shards were rebuilt",
    [],
  );
  private readonly repairedShards = this.counter("repaired_shards_total", "Shards rebuilt", []);
  private readonly repairedBytes = this.counter("repaired_bytes_total", "Bytes of shards rebuilt", []);
  private readonly repairFailures = this.counter(
    "repair_failures_total",
    "Repairs that failed (retried next sweep)",
    [],
  );
  private readonly verifiedBytes = this.counter("verified_bytes_total", "Shard bytes read to verify content", []);
  private readonly tempsRemoved = this.counter("temporary_shards_removed_total", "Stale temporary shards removed", []);
  private readonly remoteErrors = this.counter(
    "remote_errors_total",
    "Failed calls to an upstream: listings, shard reads, writes, removals",
    ["upstream"],
  );

  constructor(upstreams: readonly string[]) {
    // Zero series from the start, so a scrape before the first sweep ends shows every name.
    for (const state of FILE_STATES) this.files.set({ state }, 0);
    for (const upstream of upstreams) this.remoteErrors.inc({ upstream }, 0);
    this.queue.set(0);
  }

  private gauge<L extends string>(name: string, help: string, labelNames: L[]): Gauge<L> {
    return new Gauge({ name: PREFIX + name, help, labelNames, registers: [this.registry] });
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name: PREFIX + name, help, labelNames, registers: [this.registry] });
  }

  sweepDone(facts: SweepFacts): void {
    for (const state of FILE_STATES) this.files.set({ state }, facts.files[state]);
    for (const u of facts.upstreams) {
      this.upstreamUp.set({ upstream: u.upstream }, u.reachable ? 1 : 0);
      // An upstream that did not answer keeps its last known counts rather than dropping to zero.
      if (!u.reachable) continue;
      this.shards.set({ upstream: u.upstream }, u.shards);
      this.shardBytes.set({ upstream: u.upstream }, u.bytes);
    }
    this.sweepSeconds.set(facts.durationMs / 1000);
    this.lastSweep.set(facts.endedAt.getTime() / 1000);
    this.sweeps.inc();
  }

  sweepFailed(): void {
    this.sweepFailures.inc();
  }

  queueLength(n: number): void {
    this.queue.set(n);
  }

  repaired(shards: number, bytes: number): void {
    this.repairedFiles.inc();
    this.repairedShards.inc(shards);
    this.repairedBytes.inc(bytes);
  }

  repairFailed(): void {
    this.repairFailures.inc();
  }

  verified(bytes: number): void {
    this.verifiedBytes.inc(bytes);
  }

  tempRemoved(): void {
    this.tempsRemoved.inc();
  }

  remoteError(upstream: string): void {
    this.remoteErrors.inc({ upstream });
  }
}
