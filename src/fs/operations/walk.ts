/** Recursive listing, one directory at a time, in rclone's (UTF-8 byte) name order. */
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
}

export interface WalkedDir {
  dir: string;
  entries: Entry[];
}

/**
 * Lists `dir` and, depth first, each subdirectory, yielding each directory's sorted entries.
 * Memory holds one directory per level, never the whole tree. Throws `DirNotFound` for a missing `dir`.
 */
export async function* walk(fs: Fs, dir: string, options: WalkOptions = {}): AsyncGenerator<WalkedDir> {
  const maxDepth = options.maxDepth === undefined || options.maxDepth < 0 ? Number.POSITIVE_INFINITY : options.maxDepth;
  async function* level(d: string, depth: number): AsyncGenerator<WalkedDir> {
    const entries = sortEntries(await fs.list(d, options));
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
