/** Listing a command's target: a directory (optionally recursive and filtered) or the single file it names. */
import { FsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { type ModTimeOptions, withModTimes } from "../modtime.js";
import type { FsContext } from "../new-fs.js";
import type { CallOptions, Entry } from "../types.js";
import { openTarget, type Target } from "./target.js";
import { walk } from "./walk.js";

export interface ListOptions extends CallOptions {
  /** Levels to descend (1 = just the directory); negative or undefined = all. */
  maxDepth?: number;
  filesOnly?: boolean;
  dirsOnly?: boolean;
  /**
   * rclone's filters: excluded files are not yielded, excluded directories are neither yielded nor
   * descended (see `filterListing` in `walk.ts`). An active filter refuses a file target.
   */
  filter?: Filter;
  /**
   * Load every file's modtime before it is yielded, where the listing did not give it (see
   * `modTimeOf`), a few at a time: for commands that print modtimes.
   */
  modTimes?: ModTimeOptions;
}

/**
 * Throws `Usage` when `target` names a single file and `filter` is active: rclone refuses to combine
 * the two ("can't limit to single files when using filters"). `spec` names the target in the message.
 */
export function assertTargetFilter(target: Target, filter: Filter | undefined, spec?: string): void {
  if (target.file && filter?.isActive()) {
    throw new FsError(
      "Usage",
      `can't limit to single files when using filters: ${spec ?? `${target.fs.toString()}/${target.file.remote}`}`,
    );
  }
}

/**
 * Opens a listing command's argument (see `openTarget`) for use with `filter`. Throws `Usage` when it
 * names a file and the filter is active, as rclone's commands do; otherwise what `openTarget` throws.
 */
export async function openFilteredTarget(spec: string, filter: Filter | undefined, ctx?: FsContext): Promise<Target> {
  const target = await openTarget(spec, ctx);
  assertTargetFilter(target, filter, spec);
  return target;
}

/**
 * Entries under the target, one directory at a time in sorted order; a file target yields itself.
 * Paths are relative to the target directory, and so are the paths the filter matches. Throws
 * `DirNotFound` for a missing directory and `Usage` for a file target with an active filter.
 */
export function listTarget(target: Target, options: ListOptions = {}): AsyncGenerator<Entry> {
  const entries = listEntries(target, options);
  return options.modTimes ? withModTimes(entries, options.modTimes) : entries;
}

async function* listEntries(target: Target, options: ListOptions): AsyncGenerator<Entry> {
  assertTargetFilter(target, options.filter);
  if (target.file) {
    if (!options.dirsOnly) yield target.file;
    return;
  }
  const walkOptions = { maxDepth: options.maxDepth, filter: options.filter, signal: options.signal };
  for await (const { entries } of walk(target.fs, "", walkOptions)) {
    for (const e of entries) {
      if (options.filesOnly && e.kind !== "file") continue;
      if (options.dirsOnly && e.kind !== "dir") continue;
      yield e;
    }
  }
}

/**
 * The depth a listing command walks to, as rclone's `ConfigMaxDepth`: a recursive listing goes to
 * `maxDepth` (negative = unlimited); a plain one lists one level unless `maxDepth` says otherwise.
 */
export function listingDepth(recursive: boolean, maxDepth = -1): number {
  return recursive || maxDepth >= 0 ? maxDepth : 1;
}
