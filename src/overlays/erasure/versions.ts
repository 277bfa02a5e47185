/**
 * One directory's shards across every upstream, grouped into the versions of each file. A shard is
 * known by its name alone (file name, size, VID, k, m, index), whichever upstream holds it, so one
 * listing per upstream finds every shard of every file (docs/erasure-format.md, "Placement").
 */
import { log } from "../../fs/log.js";
import { baseName, joinRemote, unsafeSegment } from "../../fs/path.js";
import type { Entry, FsObject } from "../../fs/types.js";
import { parseShardName, parseTempShardName, type ShardName } from "./format.js";

/** A shard object and the upstream (its position in the erasure remote's `remotes`) that lists it. */
export interface PlacedShard {
  index: number;
  upstream: number;
  obj: FsObject;
}

/** The shards of one version of one file, by shard index, wherever they are. */
export interface StoredFile {
  /** The file's path under the erasure remote's root. */
  remote: string;
  size: number;
  vid: number;
  /** The version's own data and parity shard counts (from its names, else the configuration). */
  k: number;
  m: number;
  /** 2 when the names carry k and m; 1 for names written before, whose k and m are the configuration's. */
  format: 1 | 2;
  /** By shard index, k + m of them; undefined where no upstream lists one. */
  shards: (FsObject | undefined)[];
  /** By shard index, the upstream holding it; -1 where missing. */
  homes: number[];
  /** Further copies of a shard index already held elsewhere (`cleanup` removes them). */
  duplicates: PlacedShard[];
}

/** A shard still under its temporary name: an upload or rebuild in progress, or one that was killed. */
export interface TempShard {
  /** The file it belongs to. */
  remote: string;
  shard: ShardName;
  obj: FsObject;
  upstream: number;
}

/** What `groupShards` found in one directory. */
export interface GroupedDir {
  /** Every version of each file name, newest first. */
  files: Map<string, StoredFile[]>;
  temps: TempShard[];
}

/** The configuration's shape: k and m of format-1 names, and whether shard i belongs on upstream i. */
export interface GroupingRules {
  k: number;
  m: number;
  /** No pool: shard i of every file belongs on upstream i (a copy there wins over one elsewhere). */
  fixed: boolean;
}

/**
 * Groups the listings of `dir` (one per upstream, undefined where it failed or lacks the
 * directory) into versions and temporary shards. Names that do not parse, and format-1 names
 * whose index is beyond the configuration's k + m, are not part of the tree. When several
 * upstreams hold the same shard, the one where placement puts it is kept (upstream i without a
 * pool; else the upstream holding the fewest shards of that version, then the first) and the
 * others are `duplicates`. Names that could not be file names (`..`) are skipped with a NOTICE.
 */
export function groupShards(
  dir: string,
  listings: readonly (readonly Entry[] | undefined)[],
  rules: GroupingRules,
): GroupedDir {
  const found = new Map<string, { version: StoredFile; copies: PlacedShard[] }>();
  const temps: TempShard[] = [];
  const unsafe = new Set<string>();
  for (const [upstream, entries] of listings.entries()) {
    for (const e of entries ?? []) {
      if (e.kind === "dir") continue;
      const leaf = baseName(e.remote);
      const temp = parseTempShardName(leaf);
      const s = temp ?? parseShardName(leaf);
      if (!s || s.index >= (s.k ?? rules.k) + (s.m ?? rules.m)) continue;
      const why = unsafeSegment(s.name);
      if (why) {
        unsafe.add(why);
        continue;
      }
      const remote = joinRemote(dir, s.name);
      if (temp) {
        temps.push({ remote, shard: temp, obj: e, upstream });
        continue;
      }
      const k = s.k ?? rules.k;
      const m = s.m ?? rules.m;
      const key = `${s.name}/${s.vid}.${s.size}.${k}.${m}`;
      let entry = found.get(key);
      if (!entry) {
        const version: StoredFile = {
          remote,
          size: s.size,
          vid: s.vid,
          k,
          m,
          format: s.k === undefined ? 1 : 2,
          shards: new Array(k + m).fill(undefined),
          homes: new Array(k + m).fill(-1),
          duplicates: [],
        };
        entry = { version, copies: [] };
        found.set(key, entry);
      }
      // One name of the old format makes the version one to re-encode.
      if (s.k === undefined) entry.version.format = 1;
      entry.copies.push({ index: s.index, upstream, obj: e });
    }
  }
  for (const why of unsafe)
    log.notice(dir || undefined, `erasure: skipping the shards of an unsafe file name (${why})`);
  const files = new Map<string, StoredFile[]>();
  for (const { version, copies } of found.values()) {
    settleCopies(version, copies, rules.fixed);
    const name = baseName(version.remote);
    const versions = files.get(name) ?? [];
    versions.push(version);
    files.set(name, versions);
  }
  for (const versions of files.values()) versions.sort((a, b) => b.vid - a.vid);
  return { files, temps };
}

/** Picks one copy of each shard index for `v` (see `groupShards`); the rest become duplicates. */
function settleCopies(v: StoredFile, copies: PlacedShard[], fixed: boolean): void {
  const load = new Map<number, number>();
  for (const c of copies) load.set(c.upstream, (load.get(c.upstream) ?? 0) + 1);
  const rank = (c: PlacedShard) =>
    fixed ? (c.upstream === c.index ? -1 : c.upstream) : (load.get(c.upstream) as number) * 256 + c.upstream;
  for (const c of [...copies].sort((a, b) => rank(a) - rank(b))) {
    if (v.shards[c.index] === undefined) {
      v.shards[c.index] = c.obj;
      v.homes[c.index] = c.upstream;
    } else v.duplicates.push(c);
  }
}

/** How many distinct shards of a version the listings show. */
export function presentShards(v: StoredFile): number {
  return v.shards.filter(Boolean).length;
}

/** The version a file reads as: the newest with at least its own k shards present. */
export function currentVersion(versions: readonly StoredFile[] | undefined): StoredFile | undefined {
  return [...(versions ?? [])].sort((a, b) => b.vid - a.vid).find((v) => presentShards(v) >= v.k);
}
