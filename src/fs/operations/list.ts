/** Listing a command's target: a directory (optionally recursive) or the single file it names. */
import type { Entry } from "../types.js";
import type { Target } from "./target.js";
import { walk } from "./walk.js";

export interface ListOptions {
  /** Levels to descend (1 = just the directory); negative or undefined = all. */
  maxDepth?: number;
  filesOnly?: boolean;
  dirsOnly?: boolean;
}

/**
 * Entries under the target, one directory at a time in sorted order; a file target yields itself.
 * Paths are relative to the target directory.
 */
export async function* listTarget(target: Target, options: ListOptions = {}): AsyncGenerator<Entry> {
  if (target.file) {
    if (!options.dirsOnly) yield target.file;
    return;
  }
  for await (const { entries } of walk(target.fs, "", { maxDepth: options.maxDepth })) {
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
