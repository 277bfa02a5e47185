/**
 * Walking an erasure tree shard by shard, for status, verify, rebuild and cleanup: one list per
 * upstream per directory, every version of every file (wherever its shards are) and every
 * temporary shard, and what each upstream answered. Unlike the Fs's own listings it hides nothing
 * (incomplete versions, duplicates, leftovers).
 */
import type { Stats } from "../../fs/accounting/stats.js";
import { FsError, isFsError } from "../../fs/errors.js";
import { baseName, joinRemote } from "../../fs/path.js";
import type { CallOptions, Entry } from "../../fs/types.js";
import { parseShardName } from "./format.js";
import type { ErasureFs } from "./fs.js";
import { currentVersion, groupShards, type StoredFile, type TempShard } from "./versions.js";

export type { PlacedShard, StoredFile, TempShard } from "./versions.js";
export { presentShards } from "./versions.js";

/** Every version of one file present in a directory. */
export interface ScannedFile {
  remote: string;
  /** Newest first. */
  versions: StoredFile[];
  /** What the file reads as: the newest version with at least its k shards; undefined when none has. */
  current: StoredFile | undefined;
}

/** One directory's shards across all upstreams. */
export interface ScannedDir {
  dir: string;
  files: ScannedFile[];
  temps: TempShard[];
}

/** What one upstream answered during a scan. */
export interface UpstreamTally {
  index: number;
  /** The upstream's own description (`Local file system at /tmp/a`). */
  upstream: string;
  /** False once any listing failed for another reason than a missing directory. */
  reachable: boolean;
  /** The first such failure. */
  error?: string;
  /** Committed shard objects listed, and their bytes. */
  shards: number;
  bytes: number;
}

export interface ScanOptions extends CallOptions {
  /** Where to start (default the root); subdirectories are scanned too. */
  dir?: string;
  /** Scan only this file (a path under the root), not a tree. */
  file?: string;
  /** Counts for --progress: each file verified is a check, with the shard bytes it read. */
  stats?: Stats;
}

/** A tally per upstream, all reachable and empty, for `scanShards` to fill in. */
export function newTallies(fs: ErasureFs): UpstreamTally[] {
  return fs.upstreams.map((u, index) => ({ index, upstream: u.toString(), reachable: true, shards: 0, bytes: 0 }));
}

/**
 * Yields the shards of each directory under `options.dir`, depth first in name order (of just
 * `options.file`'s directory, filtered to that file, when given), filling `tallies` as it goes.
 * A directory no upstream has is skipped (`DirNotFound` for the starting one); an upstream that
 * fails to list counts as unreachable and its shards as missing. Throws what listing throws when no
 * upstream answers at all.
 */
export async function* scanShards(
  fs: ErasureFs,
  tallies: UpstreamTally[],
  options: ScanOptions = {},
): AsyncGenerator<ScannedDir> {
  const call = { signal: options.signal };
  const start = options.file !== undefined ? parentDir(options.file) : (options.dir ?? "");
  const pending = [start];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    call.signal?.throwIfAborted();
    const listings = await listAll(fs, dir, tallies, call, dir === start);
    if (!listings) continue;
    const scanned = collect(fs, dir, listings, tallies);
    if (options.file !== undefined) {
      scanned.files = scanned.files.filter((f) => f.remote === options.file);
      scanned.temps = scanned.temps.filter((t) => t.remote === options.file);
      yield scanned;
      return;
    }
    yield scanned;
    const subdirs = new Set(listings.flatMap((l) => (l ?? []).filter((e) => e.kind === "dir").map((e) => e.remote)));
    // Popped from the end, so pushed in reverse to visit them in name order.
    pending.push(...[...subdirs].sort().reverse());
  }
}

function parentDir(remote: string): string {
  const cut = remote.lastIndexOf("/");
  return cut < 0 ? "" : remote.slice(0, cut);
}

/** Each upstream's listing of `dir` (undefined where it failed or lacks it); undefined if none has it. */
async function listAll(
  fs: ErasureFs,
  dir: string,
  tallies: UpstreamTally[],
  call: CallOptions,
  isStart: boolean,
): Promise<(Entry[] | undefined)[] | undefined> {
  const results = await Promise.allSettled(fs.upstreams.map((u) => u.list(dir, call)));
  let found = 0;
  let failed: unknown;
  const listings = results.map((r, index) => {
    // A rebuild's placement avoids the upstreams that cannot answer.
    if (r.status === "fulfilled" || isFsError(r.reason, "DirNotFound")) fs.down.delete(index);
    else fs.down.add(index);
    if (r.status === "fulfilled") {
      found++;
      return r.value;
    }
    if (!isFsError(r.reason, "DirNotFound")) {
      const t = tallies[index] as UpstreamTally;
      t.reachable = false;
      t.error ??= (r.reason as Error).message ?? String(r.reason);
      failed ??= r.reason;
    }
    return undefined;
  });
  if (found > 0) return listings;
  if (failed !== undefined) throw failed;
  if (isStart) throw new FsError("DirNotFound", "directory not found", { path: dir });
  return undefined;
}

/** Groups one directory's listings into files, versions and temporary shards, and tallies each upstream's shards. */
function collect(fs: ErasureFs, dir: string, listings: (Entry[] | undefined)[], tallies: UpstreamTally[]): ScannedDir {
  for (const [index, entries] of listings.entries()) {
    const tally = tallies[index] as UpstreamTally;
    for (const e of entries ?? []) {
      if (e.kind === "dir" || !parseShardName(baseName(e.remote))) continue;
      tally.shards++;
      tally.bytes += e.size;
    }
  }
  const grouped = groupShards(dir, listings, fs.rules());
  const files: ScannedFile[] = [...grouped.files.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, versions]) => ({ remote: joinRemote(dir, name), versions, current: currentVersion(versions) }));
  return { dir, files, temps: grouped.temps };
}
