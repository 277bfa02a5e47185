/** The walk an overlay's `cleanUp` shares: find leftovers directory by directory, remove them, then clean up below. */
import { isFsError } from "../errors.js";
import { log } from "../log.js";
import type { CallOptions, Fs, FsObject } from "../types.js";
import { formatSize } from "../units.js";
import type { CleanUpOptions } from "./cleanup.js";

/**
 * Walks `base`'s whole tree; in each directory `pick` chooses, among its files, the leftovers, which
 * are removed (logged at INFO, "Removed leftover WHAT") or, with `dryRun`, only named at NOTICE. Then
 * calls `base`'s own `cleanUp` when it has one (skipped with a NOTICE under `dryRun`, since it cannot
 * preview). Throws `DirNotFound` when the root does not exist, and what removal throws; a directory
 * removed while walking, or a leftover already gone, is not an error.
 */
export async function sweepLeftovers(
  base: Fs,
  what: string,
  pick: (files: FsObject[], options: CallOptions) => Promise<FsObject[]>,
  options: CleanUpOptions = {},
): Promise<void> {
  const call = { signal: options.signal };
  const pending = [""];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    options.signal?.throwIfAborted();
    let entries: Awaited<ReturnType<Fs["list"]>>;
    try {
      entries = await base.list(dir, call);
    } catch (err) {
      if (dir !== "" && isFsError(err, "DirNotFound")) continue;
      throw err;
    }
    const files: FsObject[] = [];
    for (const e of entries) {
      if (e.kind === "dir") pending.push(e.remote);
      else files.push(e);
    }
    for (const obj of await pick(files, call)) {
      if (options.dryRun) {
        log.notice(obj.remote, `Skipped remove leftover ${what} as --dry-run is set (size ${formatSize(obj.size)})`);
        continue;
      }
      try {
        await obj.remove(call);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
      log.info(obj.remote, `Removed leftover ${what}`);
    }
  }
  const baseCleanUp = base.features.cleanUp;
  if (!baseCleanUp) return;
  if (options.dryRun) {
    log.notice(base.toString(), "Skipped clean up as --dry-run is set");
    return;
  }
  await baseCleanUp(call);
}
