/** Recursive listing, one directory at a time, in rclone's (UTF-8 byte) name order, optionally filtered. */
import { isFsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { loadModTimes } from "../modtime.js";
import { baseName, joinRemote } from "../path.js";
import type { CallOptions, Entry, Fs } from "../types.js";

/** Compares strings by code point, which is UTF-8 byte order (what rclone sorts by). */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 puts U+E000..U+FFFF after surrogates; code point order puts them before.
    if (x >= 0xd800) x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
    if (y >= 0xd800) y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    return x - y;
  }
  return a.length - b.length;
}

export function sortEntries(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => compareNames(a.remote, b.remote));
}

export interface WalkOptions extends CallOptions {
  /** Directory levels to descend: 1 lists `dir` only; undefined or negative means unlimited. */
  maxDepth?: number;
  /**
   * Only what this filter includes is yielded, and excluded directories are not descended (see
   * `filterListing`). Paths are matched relative to the root of `fs`, as rclone matches them.
   */
  filter?: Filter;
}

export interface WalkedDir {
  dir: string;
  entries: Entry[];
}

/** How many `--exclude-if-present` probes one directory runs at once. */
const MARKER_PROBES = 8;

/** Whether directory `dir` holds a file named like one of the filter's `--exclude-if-present` markers. */
async function holdsMarker(fs: Fs, dir: string, markers: string[], options: CallOptions): Promise<boolean> {
  for (const name of markers) {
    try {
      await fs.newObject(joinRemote(dir, name), options);
      return true;
    } catch (err) {
      // As rclone's FileExists: missing, not a file, or unreadable counts as absent.
      if (!isFsError(err, "ObjectNotFound", "DirNotFound", "IsDir", "PermissionDenied")) throw err;
    }
  }
  return false;
}

/**
 * One directory's listing through a filter, as rclone's `DirSorted`: nothing at all when the listing holds
 * an `--exclude-if-present` marker; files kept by `includeObject`; subdirectories kept by `includeDirectory`
 * and only when they hold no marker (looked up with `newObject`, one per subdirectory and marker name, so
 * a directory at the depth limit is judged without being listed). Order is kept. Throws what `newObject`
 * throws other than the not-found codes.
 */
export async function filterListing(
  fs: Fs,
  entries: Entry[],
  filter: Filter,
  options: CallOptions = {},
): Promise<Entry[]> {
  const markers = filter.excludeIfPresent;
  if (
    markers.length > 0 &&
    filter.hasExcludeMarker(entries.filter((e) => e.kind === "file").map((e) => baseName(e.remote)))
  ) {
    return [];
  }
  if (filter.judgesAge()) await loadModTimes(entries, options);
  const keep = entries.map((e) =>
    e.kind === "file" ? filter.includeObject(e.remote, e.size, e.modTime) : filter.includeDirectory(e.remote),
  );
  if (markers.length > 0) {
    const dirs = entries.flatMap((e, i) => (e.kind === "dir" && keep[i] ? [i] : []));
    for (let at = 0; at < dirs.length; at += MARKER_PROBES) {
      const batch = dirs.slice(at, at + MARKER_PROBES);
      const marked = await Promise.all(
        batch.map((i) => holdsMarker(fs, (entries[i] as Entry).remote, markers, options)),
      );
      batch.forEach((i, k) => {
        if (marked[k]) keep[i] = false;
      });
    }
  }
  return entries.filter((_, i) => keep[i]);
}

/**
 * Lists `dir` and, depth first, each subdirectory, yielding each directory's sorted entries (filtered, with
 * `filter`: see `filterListing`; a `--files-from` filter only lets the walk into directories on the way to a
 * listed file). Memory holds one directory per level, never the whole tree. Throws `DirNotFound` for a
 * missing `dir`.
 */
export async function* walk(fs: Fs, dir: string, options: WalkOptions = {}): AsyncGenerator<WalkedDir> {
  const maxDepth = options.maxDepth === undefined || options.maxDepth < 0 ? Number.POSITIVE_INFINITY : options.maxDepth;
  const filter = options.filter?.isActive() ? options.filter : undefined;
  const call: CallOptions = { signal: options.signal };
  async function* level(d: string, depth: number): AsyncGenerator<WalkedDir> {
    let entries = await fs.list(d, call);
    if (filter) entries = await filterListing(fs, entries, filter, call);
    sortEntries(entries);
    yield { dir: d, entries };
    if (depth >= maxDepth) return;
    for (const e of entries) if (e.kind === "dir") yield* level(e.remote, depth + 1);
  }
  yield* level(dir, 1);
}

/** Every entry under `dir`, flattened (convenience for callers that want all of them). */
export async function* walkEntries(fs: Fs, dir: string, options: WalkOptions = {}): AsyncGenerator<Entry> {
  for await (const { entries } of walk(fs, dir, options)) yield* entries;
}
