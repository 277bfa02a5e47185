/** Making and removing single directories, as rclone's `mkdir` and `rmdir`, honouring `--dry-run`. */
import { log } from "../log.js";
import type { CallOptions, Fs } from "../types.js";
import { logDirName, skippedNotice } from "./delete.js";

export interface DirOptions extends CallOptions {
  dryRun?: boolean;
}

/**
 * Creates `dir` (default the root) and its parents; no error if it exists. On a remote that cannot
 * have empty directories a NOTICE says this does nothing lasting. Throws `IsFile` where a file is in
 * the way.
 */
export async function makeDir(fs: Fs, dir = "", options: DirOptions = {}): Promise<void> {
  if (!fs.features.canHaveEmptyDirs && fs.root.includes("/")) {
    log.notice(fs.toString(), "Warning: running mkdir on a remote which can't have empty directories does nothing");
  }
  if (options.dryRun) {
    skippedNotice(logDirName(fs, dir), "make directory");
    return;
  }
  log.debug(logDirName(fs, dir), "Making directory");
  await fs.mkdir(dir, options);
}

/** Removes the empty directory `dir` (default the root). Throws `DirNotFound` or `DirNotEmpty`. */
export async function removeDir(fs: Fs, dir = "", options: DirOptions = {}): Promise<void> {
  if (options.dryRun) {
    skippedNotice(logDirName(fs, dir), "remove directory");
    return;
  }
  log.info(logDirName(fs, dir), "Removing directory");
  await fs.rmdir(dir, options);
}
