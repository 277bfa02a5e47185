/** Removing files and directories. */
import { isFsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { log } from "../log.js";
import { parentOf } from "../path.js";
import type { CallOptions, Fs, FsObject } from "../types.js";
import { formatSize } from "../units.js";
import { compareNames, walk } from "./walk.js";

export interface DeleteOptions extends CallOptions {
  dryRun?: boolean;
  /** Only files this accepts are deleted (filters). */
  include?: (e: FsObject) => boolean;
  /** Levels to descend (negative or undefined = all). */
  maxDepth?: number;
  /**
   * rclone's filters, for `deleteFiles` and `rmdirs` (`purge` ignores them, as rclone's does): only the
   * files it includes are deleted, and excluded directories are not entered (see `filterListing`).
   */
  filter?: Filter;
}

/** How rclone names a directory in logs: its path, or the remote itself for the root. */
export function logDirName(fs: Fs, dir: string): string {
  return dir === "" ? fs.toString() : dir;
}

/** rclone's `--dry-run` notice, with the size when the subject has one. */
export function skippedNotice(subject: string, action: string, size = -1): void {
  log.notice(subject, `Skipped ${action} as --dry-run is set${size >= 0 ? ` (size ${formatSize(size)})` : ""}`);
}

/**
 * Deletes one file, or with `dryRun` only says it would. Logs `Deleted` at INFO.
 * Throws what `remove` throws (`ObjectNotFound` when it is already gone).
 */
export async function deleteFile(o: FsObject, options: DeleteOptions = {}): Promise<void> {
  if (options.dryRun) {
    skippedNotice(o.remote, "delete", o.size);
    return;
  }
  await o.remove(options);
  log.info(o.remote, "Deleted");
}

/**
 * Deletes the file at `remote` on `fs` (see `deleteFile`). Throws `ObjectNotFound` when there is no
 * such file, `IsDir` when it is a directory.
 */
export async function deleteFileAt(fs: Fs, remote: string, options: DeleteOptions = {}): Promise<void> {
  await deleteFile(await fs.newObject(remote, options), options);
}

/**
 * Deletes every file under `dir` that `filter` and `include` accept (directories stay). Returns the number
 * of files deleted. Throws `DirNotFound` for a missing `dir`, and what `remove` throws.
 */
export async function deleteFiles(fs: Fs, dir: string, options: DeleteOptions = {}): Promise<number> {
  let n = 0;
  for await (const { entries } of walk(fs, dir, options)) {
    for (const e of entries) {
      if (e.kind !== "file" || (options.include && !options.include(e))) continue;
      await deleteFile(e, options);
      n++;
    }
  }
  return n;
}

/**
 * Removes empty directories under `dir`, deepest first; `dir` itself too unless `leaveRoot`. As rclone's
 * `Rmdirs`: a directory counts as empty when the (filtered, depth-limited) walk shows no file below it, and
 * with `filter` only directories it would include as a zero-byte file named `dir/`, modified now, are
 * removed (so `--min-age` or a positive `--min-size` keeps every directory). Directories go in reverse
 * byte order of their paths; the first failure stops the run and is thrown (a directory already gone is
 * not a failure).
 */
export async function rmdirs(
  fs: Fs,
  dir: string,
  options: DeleteOptions & { leaveRoot?: boolean } = {},
): Promise<void> {
  const empty = new Map<string, boolean>([[dir, !options.leaveRoot]]);
  for await (const { entries } of walk(fs, dir, options)) {
    for (const e of entries) {
      if (e.kind === "dir") {
        if (!empty.has(e.remote)) empty.set(e.remote, true);
        continue;
      }
      // Every directory above a file is non-empty; stop at one already marked so.
      for (let p = e.remote; p !== ""; ) {
        p = parentOf(p);
        if (empty.get(p) === false) break;
        empty.set(p, false);
      }
    }
  }
  const now = new Date();
  const toDelete = [...empty]
    .filter(([d, isEmpty]) => isEmpty && (!options.filter || options.filter.includeObject(`${d}/`, 0, now)))
    .map(([d]) => d)
    .sort(compareNames)
    .reverse();
  for (const d of toDelete) {
    if (options.dryRun) skippedNotice(logDirName(fs, d), "remove directory");
    else {
      log.info(logDirName(fs, d), "Removing directory");
      await fs.rmdir(d, options).catch((err) => {
        if (!isFsError(err, "DirNotFound")) throw err;
      });
    }
  }
}

/**
 * Removes `dir` and everything in it, with the remote's purge where it has one. Ignores `filter`: as
 * rclone's purge, it removes everything.
 */
export async function purge(fs: Fs, dir: string, purgeOptions: DeleteOptions = {}): Promise<void> {
  const options: DeleteOptions = { ...purgeOptions, filter: undefined };
  if (options.dryRun) {
    // As rclone: a remote that purges in one call reports that call; the fallback reports each step.
    if (fs.features.purge) skippedNotice(logDirName(fs, dir), "purge directory");
    else {
      await deleteFiles(fs, dir, options);
      await rmdirs(fs, dir, options);
    }
    return;
  }
  if (fs.features.purge) {
    await fs.features.purge(dir, options);
    return;
  }
  await deleteFiles(fs, dir, options);
  await rmdirs(fs, dir, options);
}
