/**
 * The erasure long tail through the CLI: a copy into erasure(8 × local, 4+4) with two of the eight
 * disks slow, against the same copy with no slow disk and with `optimal=8` (every shard waited for);
 * then `cat` of the file with one data shard's disk slow, against no slow disk. Slow disks are made
 * by test/erasure/slow-disk-preload.mjs (a `node --import` hook pacing local file I/O). rclone has
 * no erasure code, so these rows are strata against itself.
 */
import { mkdirSync, rmSync } from "node:fs";
import { delimiter, join } from "node:path";
import { type Measurement, measure, median } from "./measure.js";
import { bigFile, warm } from "./workloads.js";

export interface LongTailBench {
  work: string;
  runs: number;
  /** The file's size in MiB. */
  mib: number;
  env: NodeJS.ProcessEnv;
  /** The command that runs strata (`node bin/strata.js`). */
  strata: string[];
  repo: string;
}

/** Bytes per second of a slow disk. */
const SLOW_BPS = 2 << 20;

export function benchLongTail(b: LongTailBench): void {
  const src = join(b.work, "tail-src");
  const size = b.mib * 1024 * 1024;
  bigFile(join(src, "big.bin"), size);
  const disks = Array.from({ length: 8 }, (_, i) => join(b.work, `tail-disk-${i}`));
  const spec = (extra = "") => `:erasure,remotes="${disks.join(" ")}",data_shards=4,parity_shards=4${extra}:`;
  const preload = join(b.repo, "test/erasure/slow-disk-preload.mjs");
  const slowEnv = (writes: string[], reads: string[]): NodeJS.ProcessEnv => ({
    ...b.env,
    NODE_OPTIONS: `--import=${preload}`,
    STRATA_TEST_SLOW_WRITE_DIRS: writes.join(delimiter),
    STRATA_TEST_SLOW_READ_DIRS: reads.join(delimiter),
    STRATA_TEST_SLOW_BPS: String(SLOW_BPS),
  });
  const fresh = () => {
    for (const d of disks) {
      rmSync(d, { recursive: true, force: true });
      mkdirSync(d);
    }
    warm(src);
  };
  const time = (args: string[], env: NodeJS.ProcessEnv, prepare: () => void): Measurement => {
    const runs: Measurement[] = [];
    for (let i = 0; i < b.runs; i++) {
      prepare();
      runs.push(measure([...b.strata, ...args], env));
    }
    return { seconds: median(runs.map((r) => r.seconds)), peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)) };
  };
  const line = (name: string, m: Measurement) =>
    console.log(
      `${name.padEnd(34)} strata ${m.seconds.toFixed(3)} s (${(size / 1e6 / m.seconds).toFixed(1)} MB/s; peak RSS ${m.peakRssMiB.toFixed(0)} MiB)`,
    );
  const slowDisks = [disks[2], disks[6]] as string[];
  const slowMs = (size / 4 / SLOW_BPS) * 1000;
  console.log(
    `erasure long tail: ${b.mib} MiB, slow disks at ${SLOW_BPS >> 20} MiB/s (${(slowMs / 1000).toFixed(1)} s a shard)`,
  );
  line("  copy, no slow disk", time(["copy", src, spec()], b.env, fresh));
  line("  copy, 2 of 8 disks slow", time(["copy", src, spec()], slowEnv(slowDisks, []), fresh));
  line("  copy, 2 slow, optimal=8", time(["copy", src, spec(",optimal=8")], slowEnv(slowDisks, []), fresh));

  fresh();
  measure([...b.strata, "copy", src, spec()], b.env);
  const cat = ["cat", `${spec()}big.bin`];
  line(
    "  cat, no slow disk",
    time(cat, b.env, () => undefined),
  );
  line(
    "  cat, data shard 1's disk slow",
    time(cat, slowEnv([], [disks[1] as string]), () => undefined),
  );
  for (const d of [src, ...disks]) rmSync(d, { recursive: true, force: true });
}
