/**
 * `erasure status`: how healthy an erasure tree looks from listings alone (no shard is read), so it
 * costs one list per upstream per directory.
 */
import { Layout } from "./format.js";
import type { ErasureFs } from "./fs.js";
import {
  newTallies,
  presentShards,
  type ScanOptions,
  type StoredFile,
  scanShards,
  type UpstreamTally,
} from "./scan.js";

/**
 * What the listings say of a file: `healthy` with all n shards present at the right size,
 * `degraded` with fewer but at least k (it reads, and `erasure rebuild` restores the rest),
 * `unreadable` with fewer than k.
 */
export type FileState = "healthy" | "degraded" | "unreadable";

/** One file as the listings show it. */
export interface FileStatus {
  remote: string;
  size: number;
  /** Shards of the current version listed (of the newest version, when none has k). */
  present: number;
  /** Of those, the ones whose size is what the version's shards should have. */
  healthy: number;
  state: FileState;
  /** Whether k shards of one version are present at the right size, so the file should read. */
  readable: boolean;
}

export interface StatusReport {
  k: number;
  n: number;
  upstreams: UpstreamTally[];
  files: number;
  /** Files with all n shards present and healthy. */
  healthy: number;
  /** Files with fewer than n healthy shards but at least k (`atRisk` among them). */
  degraded: number;
  /** Degraded files with exactly k healthy shards: one more loss and they are gone. */
  atRisk: number;
  /** Files with fewer than k healthy shards. */
  unreadable: number;
}

/**
 * Scans the tree under `options.dir` (or one file) and tallies it; `onFile` sees each file in walk
 * order. Throws `DirNotFound` when no upstream has the directory, and a listing error when no
 * upstream answers.
 */
export async function erasureStatus(
  fs: ErasureFs,
  options: ScanOptions & { onFile?: (f: FileStatus) => void } = {},
): Promise<StatusReport> {
  const { k, m } = fs.plan;
  const n = k + m;
  const upstreams = newTallies(fs);
  const report: StatusReport = { k, n, upstreams, files: 0, healthy: 0, degraded: 0, atRisk: 0, unreadable: 0 };
  for await (const dir of scanShards(fs, upstreams, options)) {
    for (const file of dir.files) {
      const v = file.current ?? (file.versions[0] as StoredFile);
      const healthy = healthyBySize(fs, v);
      const state: FileState = !file.current || healthy < k ? "unreadable" : healthy === n ? "healthy" : "degraded";
      const status: FileStatus = {
        remote: file.remote,
        size: v.size,
        present: presentShards(v),
        healthy,
        state,
        readable: state !== "unreadable",
      };
      report.files++;
      report[state]++;
      if (state === "degraded" && healthy === k) report.atRisk++;
      options.onFile?.(status);
    }
  }
  return report;
}

/**
 * Shards whose object size is what this version's shards have: the size the configured segment
 * size gives, or, when no shard has that (the file was written with another segment size), the
 * size most of its shards share. A truncated or extended shard shows here without a read.
 */
function healthyBySize(fs: ErasureFs, v: StoredFile): number {
  const sizes = v.shards.flatMap((s) => (s ? [s.size] : []));
  let expected = new Layout(v.size, fs.plan.k, fs.plan.segmentSize).shardObjectSize;
  if (!sizes.includes(expected)) {
    const counts = new Map<number, number>();
    for (const s of sizes) counts.set(s, (counts.get(s) ?? 0) + 1);
    expected = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? expected;
  }
  return sizes.filter((s) => s === expected).length;
}
