/**
 * The march: walks source and destination together, one directory at a time, matching entries by
 * name in sorted order (rclone's march). Memory holds the directories being compared and a queue of
 * directory names, never the whole tree: deeper directories are visited first, so the queue holds
 * about one level's subdirectories per level, and a directory above `listCutoff` entries is sorted on
 * disk. Listings run `checkers` at a time, both sides of a directory at once.
 */
import PQueue from "p-queue";
import { isFsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { loadModTimes } from "../modtime.js";
import { baseName } from "../path.js";
import type { Entry, Fs } from "../types.js";
import { DEFAULT_LIST_CUTOFF, marchOrder, type Named, sortedListing } from "./sorted-listing.js";

export interface MarchCallbacks {
  /** A file or directory only in the source. For a directory, return true to descend into it. */
  srcOnly(e: Entry): Promise<boolean | undefined> | boolean | undefined;
  /** A file or directory only in the destination. For a directory, return true to descend into it. */
  dstOnly(e: Entry): Promise<boolean | undefined> | boolean | undefined;
  /** The same name on both sides (both files or both directories). Directories: true to descend. */
  match(src: Entry, dst: Entry): Promise<boolean | undefined> | boolean | undefined;
  /** A listing failed; the march goes on with the other directories. */
  listError(err: unknown, dir: string, side: "src" | "dst"): void;
}

export interface MarchOptions {
  checkers: number;
  filter?: Filter;
  /** Don't list the destination: every source entry is `srcOnly` (--no-traverse for a fresh copy). */
  noTraverseDst?: boolean;
  signal?: AbortSignal;
  /** Max directory depth (1 = the root only); negative = unlimited. */
  maxDepth?: number;
  /** List the destination unfiltered (rclone's DstIncludeAll, for sync --delete-excluded). */
  dstIncludeAll?: boolean;
  /** Age filters judge the times listings give, loading none (rclone's --use-server-modtime). */
  useServerModTime?: boolean;
  /** Entries of one directory above which it is sorted on disk (--list-cutoff; default 1,000,000). */
  listCutoff?: number;
  /** Where a directory sorted on disk keeps its runs (default: the OS temporary directory). */
  spillDir?: string;
}

/** Marches `dir` of `src` against `dir` of `dst`, calling back for every entry. Resolves when all are seen. */
export async function march(src: Fs, dst: Fs, dir: string, cb: MarchCallbacks, o: MarchOptions): Promise<void> {
  const queue = new PQueue({ concurrency: Math.max(1, o.checkers) });
  let failure: unknown;
  const spawn = (job: () => Promise<void>, depth: number) => {
    queue.add(job, { priority: depth }).catch((err) => {
      failure ??= err;
      queue.clear();
    });
  };
  const maxDepth = o.maxDepth === undefined || o.maxDepth < 0 ? Number.POSITIVE_INFINITY : o.maxDepth;

  const listSide = async (fs: Fs, d: string, side: "src" | "dst"): Promise<Entry[] | undefined> => {
    try {
      const entries = await fs.list(d, { signal: o.signal });
      if (side === "dst" && o.dstIncludeAll) return entries;
      // --min-age/--max-age judge modtimes, which some listings leave to be loaded.
      if (o.filter?.judgesAge()) await loadModTimes(entries, o);
      return filterEntries(entries, o.filter);
    } catch (err) {
      // A missing destination directory is simply empty; a missing source root is an error.
      if (isFsError(err, "DirNotFound") && (side === "dst" || d !== dir)) return [];
      cb.listError(err, d, side);
      return undefined;
    }
  };

  const visit = async (d: string, inSrc: boolean, inDst: boolean, depth: number): Promise<void> => {
    o.signal?.throwIfAborted();
    const [srcList, dstList] = await Promise.all([
      inSrc ? listSide(src, d, "src") : [],
      inDst && !o.noTraverseDst ? listSide(dst, d, "dst") : [],
    ]);
    // A failed listing must not make the other side look orphaned (sync would delete it).
    if (srcList === undefined || dstList === undefined) return;
    if (o.filter && excludedByMarker(srcList, dstList, o.filter)) return;
    const descend = (sub: string, s: boolean, t: boolean) => {
      if (depth < maxDepth) spawn(() => visit(sub, s, t, depth + 1), depth + 1);
    };
    const sortOptions = { cutoff: Math.max(1, o.listCutoff ?? DEFAULT_LIST_CUTOFF), spillDir: o.spillDir };
    await pair(sortedListing(srcList, sortOptions), sortedListing(dstList, sortOptions), async (s, t) => {
      if (s && t) {
        if ((await cb.match(s, t)) && s.kind === "dir") descend(s.remote, true, true);
      } else if (s) {
        if ((await cb.srcOnly(s)) && s.kind === "dir") descend(s.remote, true, false);
      } else if (t) {
        if ((await cb.dstOnly(t)) && t.kind === "dir") descend(t.remote, false, true);
      }
    });
  };

  spawn(() => visit(dir, true, true, 1), 1);
  await queue.onIdle();
  if (failure !== undefined) throw failure;
}

function filterEntries(entries: Entry[], filter: Filter | undefined): Entry[] {
  if (!filter) return entries;
  return entries.filter((e) =>
    e.kind === "dir" ? filter.includeDirectory(e.remote) : filter.includeObject(e.remote, e.size, e.modTime),
  );
}

/** --exclude-if-present: a marker file in the source (or destination) directory excludes it on both sides. */
function excludedByMarker(a: Entry[], b: Entry[], filter: Filter): boolean {
  const markers = filter.excludeIfPresent;
  if (markers.length === 0) return false;
  return [...a, ...b].some((e) => e.kind === "file" && markers.includes(baseName(e.remote)));
}

/**
 * Merges two sorted listings, calling `each` for every name with what each side has under it (a file
 * pairs with a file, a directory with a directory), one at a time.
 */
async function pair(
  a: AsyncIterator<Named>,
  b: AsyncIterator<Named>,
  each: (s: Entry | undefined, t: Entry | undefined) => Promise<void>,
): Promise<void> {
  try {
    let x = await a.next();
    let y = await b.next();
    while (!x.done || !y.done) {
      const c = x.done ? 1 : y.done ? -1 : marchOrder(x.value, y.value);
      await each(c <= 0 && !x.done ? x.value.entry : undefined, c >= 0 && !y.done ? y.value.entry : undefined);
      if (c <= 0) x = await a.next();
      if (c >= 0) y = await b.next();
    }
  } finally {
    // A listing sorted on disk removes its runs when closed, also when a callback threw part-way.
    await Promise.all([a.return?.(), b.return?.()]);
  }
}
