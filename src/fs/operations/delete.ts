/** Removing files and directories. */
import { isFsError } from "../errors.js";
import { log } from "../log.js";
import type { CallOptions, Entry, Fs, FsObject } from "../types.js";
import { formatSize } from "../units.js";
import { walk } from "./walk.js";

export interface DeleteOptions extends CallOptions {
  dryRun?: boolean;
  /** Only files this accepts are deleted (filters). */
  include?: (e: FsObject) => boolean;
  /** Levels to descend (negative or undefined = all). */
  maxDepth?: number;
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

/** Deletes every file under `dir` (directories stay). Returns the number of files deleted. */
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

/** Removes empty directories under `dir`, deepest first; `dir` itself too unless `leaveRoot`. */
export async function rmdirs(
  fs: Fs,
  dir: string,
  options: DeleteOptions & { leaveRoot?: boolean } = {},
): Promise<void> {
  const dirs: string[] = [];
  const nonEmpty = new Set<string>();
  for await (const { dir: d, entries } of walk(fs, dir, options)) {
    dirs.push(d);
    if (entries.some((e: Entry) => e.kind === "file")) nonEmpty.add(d);
  }
  // Parents of non-empty directories are non-empty too.
  for (const d of [...nonEmpty])
    for (let p = d; p !== ""; p = p.slice(0, Math.max(0, p.lastIndexOf("/")))) nonEmpty.add(p);
  if (nonEmpty.size > 0) nonEmpty.add("");
  for (const d of dirs.reverse()) {
    if (nonEmpty.has(d) || (d === dir && options.leaveRoot)) continue;
    if (options.dryRun) skippedNotice(logDirName(fs, d), "remove directory");
    else {
      log.info(logDirName(fs, d), "Removing directory");
      await fs.rmdir(d, options).catch((err) => {
        if (!isFsError(err, "DirNotFound")) throw err;
      });
    }
  }
}

/** Removes `dir` and everything in it, with the remote's purge where it has one. */
export async function purge(fs: Fs, dir: string, options: DeleteOptions = {}): Promise<void> {
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
