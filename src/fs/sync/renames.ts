/**
 * --track-renames: a source-only file that matches a destination-only file (rclone's strategies:
 * size plus hash, modtime and/or leaf name) is renamed on the destination instead of being sent
 * again while the old name is deleted.
 */
import { FsError } from "../errors.js";
import type { HashType } from "../hashes.js";
import { log } from "../log.js";
import { baseName } from "../path.js";
import type { Fs, FsObject } from "../types.js";

export type RenameStrategy = "hash" | "modtime" | "leaf";

const STRATEGIES: readonly RenameStrategy[] = ["hash", "modtime", "leaf"];

/** Parses `--track-renames-strategy` (comma-separated). Throws `Usage` for an unknown name. */
export function parseRenameStrategy(text: string): RenameStrategy[] {
  const names = text.split(",").filter((n) => n !== "");
  for (const n of names) {
    if (!STRATEGIES.includes(n as RenameStrategy)) {
      throw new FsError("Usage", `unknown track renames strategy "${n}"`);
    }
  }
  return names as RenameStrategy[];
}

/**
 * Why renames cannot be tracked onto `dst` (rclone logs it and syncs without them), or undefined
 * when they can. `windowMs` is the modify window of the two sides (Infinity: no modtimes).
 */
export function renamesUnavailable(
  dst: Fs,
  strategy: readonly RenameStrategy[],
  hashType: HashType | undefined,
  windowMs: number,
): string | undefined {
  if (!dst.features.move && !dst.features.copy) {
    return "Ignoring --track-renames as the destination does not support server-side move or copy";
  }
  if (strategy.includes("hash") && !hashType) {
    return "Ignoring --track-renames as the source and destination do not have a common hash";
  }
  if (strategy.includes("modtime") && windowMs === Number.POSITIVE_INFINITY) {
    return "Ignoring --track-renames as either the source or destination do not support modtime";
  }
  return undefined;
}

/** Destination-only files by rename key; a source file takes (removes) its match. */
export class RenameMap {
  private readonly byKey = new Map<string, FsObject[]>();

  constructor(
    private readonly strategy: readonly RenameStrategy[],
    private readonly hashType: HashType | undefined,
    /** The modify window in ms, for the modtime strategy. */
    private readonly windowMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Size, then the hash and/or leaf name; undefined when the hash is unavailable (no rename). */
  private async key(obj: FsObject): Promise<string | undefined> {
    let key = String(obj.size);
    if (this.strategy.includes("hash")) {
      let hash: string | undefined;
      try {
        hash = await obj.hash(this.hashType as HashType, { signal: this.signal });
      } catch (err) {
        log.debug(obj.remote, `Hash failed: ${(err as Error).message}`);
        return undefined;
      }
      if (!hash) return undefined;
      key += `,${hash}`;
    }
    // The modtime strategy is not part of the key: times match within a window, checked on take.
    if (this.strategy.includes("leaf")) key += `,${baseName(obj.remote)}`;
    return key;
  }

  async add(dst: FsObject): Promise<void> {
    const key = await this.key(dst);
    if (key === undefined) return;
    const list = this.byKey.get(key);
    if (list) list.push(dst);
    else this.byKey.set(key, [dst]);
  }

  /** The destination file `src` was renamed from, removed from the map; undefined when none. */
  async take(src: FsObject): Promise<FsObject | undefined> {
    const key = await this.key(src);
    const list = key === undefined ? undefined : this.byKey.get(key);
    if (!list || key === undefined) return undefined;
    const i = this.strategy.includes("modtime")
      ? list.findIndex((d) => Math.abs(d.modTime.getTime() - src.modTime.getTime()) < this.windowMs)
      : 0;
    if (i < 0) return undefined;
    const [dst] = list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(key);
    return dst;
  }
}
