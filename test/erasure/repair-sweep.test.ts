/**
 * The repair daemon's sweeps as library calls over erasure(6 × local, k = 4, m = 2): repair order,
 * content verification, stale temporary shards, upstreams that go away and come back, dry runs.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/fs/accounting/bwlimit.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { type LogEntry, setLogLevel, setLogSink } from "../../src/fs/log.js";
import type { Fs } from "../../src/fs/types.js";
import { HEADER_SIZE } from "../../src/overlays/erasure/format.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { runRepair } from "../../src/overlays/erasure/repair/daemon.js";
import { LeftoverTracker } from "../../src/overlays/erasure/repair/leftovers.js";
import { RepairMetrics } from "../../src/overlays/erasure/repair/metrics.js";
import { type SweepOptions, sweep } from "../../src/overlays/erasure/repair/sweep.js";
import { erasureStatus } from "../../src/overlays/erasure/status.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { type ErasureTree, filesUnder, open, readsBack, shardFile } from "./tree.js";
import { wholeErasureTree } from "./whole-tree.js";

let tree: ErasureTree;
afterEach(() => {
  tree?.remove();
  setLogLevel("NOTICE");
});

const options = (extra: Partial<SweepOptions> = {}): SweepOptions => ({
  checkers: 4,
  transfers: 1,
  leftovers: new LeftoverTracker(),
  ...extra,
});

/** Log entries at INFO and above while `run` runs. */
async function logged<T>(run: () => Promise<T>): Promise<{ result: T; entries: LogEntry[] }> {
  const entries: LogEntry[] = [];
  setLogLevel("INFO");
  const previous = setLogSink((e) => entries.push(e));
  try {
    return { result: await run(), entries };
  } finally {
    setLogSink(previous);
  }
}

async function healthy(t: ErasureTree): Promise<boolean> {
  const report = await erasureStatus(erasureOf(await open(t.spec)), { verify: true });
  return report.healthy === report.files;
}

describe("a repair sweep", () => {
  it("repairs the files with the fewest spare shards first, and logs each repair", async () => {
    tree = await wholeErasureTree({ spare1: 2503, spare0: 2503, "d/spare0": 100, spare1b: 10 });
    rmSync(shardFile(tree, 0, "spare1"));
    for (const i of [1, 2]) rmSync(shardFile(tree, i, "spare0"));
    for (const i of [3, 4]) rmSync(shardFile(tree, i, "d/spare0"));
    rmSync(shardFile(tree, 5, "spare1b"));
    const fs = erasureOf(await open(tree.spec));
    const { result, entries } = await logged(() => sweep(fs, options()));
    const repairs = entries.filter((e) => e.message.startsWith("Repaired"));
    expect(repairs.map((e) => e.object)).toEqual(["spare0", "d/spare0", "spare1", "spare1b"]);
    expect(repairs[0]?.level).toBe("NOTICE");
    expect(repairs[0]?.message).toMatch(/^Repaired shards 1 \(missing\), 2 \(missing\): wrote 1.723 KiB$/);
    expect(result).toMatchObject({ repaired: 4, failed: [] });
    expect(result.files).toEqual({ healthy: 0, degraded: 2, at_risk: 2, unreadable: 0 });
    expect(await healthy(tree)).toBe(true);
    expect(await readsBack(tree)).toBe(true);
  });

  it("finds corrupt pieces by reading content at the verify rate, and repairs them", async () => {
    tree = await wholeErasureTree({ a: 9001, b: 2503 });
    const f = shardFile(tree, 3, "a");
    const bytes = readFileSync(f);
    bytes[HEADER_SIZE + 2 * 282 + 5] ^= 1;
    writeFileSync(f, bytes);
    const fs = erasureOf(await open(tree.spec));
    const metrics = new RepairMetrics(fs.plan.remotes);
    const started = Date.now();
    const { result, entries } = await logged(() =>
      sweep(fs, options({ verifyRate: new TokenBucket(20_000), metrics })),
    );
    // About 19 KB of shards read for content through a 20 KB/s bucket that starts empty.
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(result.files).toEqual({ healthy: 1, degraded: 1, at_risk: 0, unreadable: 0 });
    expect(result.repaired).toBe(1);
    expect(entries.map((e) => `${e.object}: ${e.message}`)).toContain(
      `a: Repaired shard 3 (bad on ${tree.dirs[3]}: piece of segment 2 fails its checksum): wrote 2.667 KiB`,
    );
    const text = await metrics.registry.metrics();
    expect(text).toContain("strata_erasure_repaired_shards_total 1\n");
    expect(text).toMatch(/strata_erasure_verified_bytes_total (1[89]|2[0-9])\d{3}\n/);
    expect(await healthy(tree)).toBe(true);
  });

  it("removes a temporary shard left unchanged since the previous sweep, keeps one still growing", async () => {
    tree = await wholeErasureTree({ f: 2503, g: 100 });
    const shard = shardFile(tree, 2, "f");
    copyFileSync(shard, `${shard}.tmp`);
    const growing = `${shardFile(tree, 4, "g")}.tmp`;
    writeFileSync(growing, "part");
    const fs = erasureOf(await open(tree.spec));
    const o = options();
    await sweep(fs, o);
    expect(readFileSync(`${shard}.tmp`).length).toBeGreaterThan(0);
    writeFileSync(growing, "part and more");
    const { entries } = await logged(() => sweep(fs, o));
    expect(entries.some((e) => e.message.startsWith("Removed stale temporary shard (upstream 2"))).toBe(true);
    const left = tree.dirs.flatMap((d) => [...filesUnder(d).keys()].filter((n) => n.endsWith(".tmp")));
    expect(left).toEqual([growing.slice(growing.lastIndexOf("/") + 1)]);
    await sweep(fs, o);
    expect(tree.dirs.flatMap((d) => [...filesUnder(d).keys()].filter((n) => n.endsWith(".tmp")))).toEqual([]);
  });

  it("says what it would repair under dryRun and changes nothing", async () => {
    tree = await wholeErasureTree({ f: 2503 });
    rmSync(shardFile(tree, 1, "f"));
    const before = tree.dirs.map((d) => [...filesUnder(d).keys()]);
    const fs = erasureOf(await open(tree.spec));
    const { result, entries } = await logged(() => sweep(fs, options({ dryRun: true })));
    expect(entries.map((e) => e.message)).toContain("Skipped repair of shard 1 (missing) as --dry-run is set");
    expect(result.repaired).toBe(0);
    expect(tree.dirs.map((d) => [...filesUnder(d).keys()])).toEqual(before);
  });
});

describe("the repair daemon", () => {
  it("keeps sweeping while an upstream is gone, counts its errors, and repairs once it is back", async () => {
    tree = await wholeErasureTree({ f: 2503, g: 10 });
    const plain = erasureOf(await open(tree.spec));
    const upstreams = [...plain.upstreams];
    const flaky = new FaultFs(upstreams[2] as Fs);
    upstreams[2] = flaky;
    const fs = new ErasureFs(plain.name, plain.root, upstreams, plain.plan, plain.rs);
    rmSync(shardFile(tree, 2, "f"));
    flaky.vanish();
    const metrics = new RepairMetrics(fs.plan.remotes);
    const controller = new AbortController();
    const seen: { down: boolean; unhealthy: number }[] = [];
    const last = await runRepair(fs, {
      ...options(),
      watch: true,
      intervalMs: 10,
      metrics,
      signal: controller.signal,
      onSweep: (r) => {
        const unhealthy = r.files.degraded + r.files.at_risk + r.files.unreadable;
        seen.push({ down: !r.upstreams[2]?.reachable, unhealthy });
        if (seen.length === 2) flaky.restore();
        if (seen.length === 4) controller.abort();
      },
    });
    expect(seen.map((s) => s.down)).toEqual([true, true, false, false]);
    expect(seen.at(-1)?.unhealthy).toBe(0);
    expect(last?.files.healthy).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(new RegExp(`strata_erasure_remote_errors_total\\{upstream="${tree.dirs[2]}"\\} [1-9]`));
    expect(text).toContain("strata_erasure_sweeps_total 4\n");
    expect(await healthy(tree)).toBe(true);
  });
});
