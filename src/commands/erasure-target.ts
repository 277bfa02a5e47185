/** What the `erasure` commands share: the erasure Fs a remote argument names, and how to print an upstream. */
import { openTarget } from "../fs/operations/target.js";
import { formatSize } from "../fs/units.js";
import type { ErasureFs } from "../overlays/erasure/fs.js";
import type { ScanOptions, UpstreamTally } from "../overlays/erasure/scan.js";
import { erasureOf } from "../overlays/erasure/unwrap.js";

/** The erasure Fs and what to scan: a directory tree, or one file when the argument names one. */
export async function openErasure(spec: string): Promise<{ fs: ErasureFs; scope: ScanOptions }> {
  const target = await openTarget(spec);
  return { fs: erasureOf(target.fs), scope: target.file ? { file: target.file.remote } : {} };
}

/** `upstream 2 Local file system at /d2: 5 shards, 1.2Ki`, or why it did not answer. */
export function upstreamLine(t: UpstreamTally): string {
  const state = t.reachable ? `${t.shards} shards, ${formatSize(t.bytes)}` : `unreachable (${t.error})`;
  return `upstream ${t.index} ${t.upstream}: ${state}`;
}
