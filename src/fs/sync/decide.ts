/**
 * Whether a file needs transferring, by rclone's rules (operations.NeedTransfer / Equal): size and
 * modtime within the coarser precision of both sides; when only the modtime differs and a common
 * hash matches, the destination's modtime is corrected instead of re-uploading.
 */
import { isFsError } from "../errors.js";
import { log } from "../log.js";
import { modTimeOf } from "../modtime.js";
import { commonHash } from "../operations/copy.js";
import type { Fs, FsObject } from "../types.js";
import { MODTIME_NOT_SUPPORTED } from "../types.js";
import { formatSize } from "../units.js";

export interface CompareOptions {
  checksum?: boolean;
  sizeOnly?: boolean;
  ignoreTimes?: boolean;
  ignoreExisting?: boolean;
  update?: boolean;
  ignoreSize?: boolean;
  noUpdateModTime?: boolean;
  dryRun?: boolean;
  /** --modify-window in ms: modtimes closer than this are equal even where the remotes keep finer times. */
  modifyWindow?: number;
  /** Compare the times listings give, never loading modtimes (rclone's --use-server-modtime). */
  useServerModTime?: boolean;
  signal?: AbortSignal;
}

/**
 * The modify window: the coarser of the two precisions and --modify-window, in ms (Infinity when
 * either keeps no modtimes).
 */
export function modifyWindowMs(src: FsObject, dst: FsObject, o: CompareOptions = {}): number {
  return modifyWindowOf(src.fs, dst.fs, o.modifyWindow);
}

/** The modify window of two remotes, as `modifyWindowMs`. */
export function modifyWindowOf(a: Fs, b: Fs, atLeastMs = 0): number {
  const p = Math.max(a.precision, b.precision);
  return p === MODTIME_NOT_SUPPORTED ? Number.POSITIVE_INFINITY : Math.max(p / 1e6, atLeastMs);
}

function sizesDiffer(src: FsObject, dst: FsObject): boolean {
  return src.size >= 0 && dst.size >= 0 && src.size !== dst.size;
}

/**
 * True when the listings alone prove `dst` up to date (no hash, no I/O): --ignore-existing, or equal
 * sizes with modtimes inside the window (or --size-only). Lets a sync over an unchanged tree skip
 * queueing a check per file; false means "ask `needsTransfer`", not "transfer".
 */
export function unchangedByListing(src: FsObject, dst: FsObject, o: CompareOptions): boolean {
  if (o.ignoreExisting) return true;
  if (o.ignoreTimes || o.checksum || o.ignoreSize || sizesDiffer(src, dst)) return false;
  if (o.sizeOnly) return true;
  const window = modifyWindowMs(src, dst, o);
  if (window === Number.POSITIVE_INFINITY) return true;
  // A modtime still to be loaded is not in the listing: `needsTransfer` loads it.
  if (!o.useServerModTime && (src.loadModTime || dst.loadModTime)) return false;
  return Math.abs(src.modTime.getTime() - dst.modTime.getTime()) < window;
}

/** Loads both modtimes where listings did not give them (see `modTimeOf`). */
async function loadModTimes(src: FsObject, dst: FsObject, o: CompareOptions): Promise<void> {
  await Promise.all([modTimeOf(src, o), modTimeOf(dst, o)]);
}

/**
 * True when `dst` must be (re)written from `src`. May set dst's modtime as a side effect
 * (unless dry-run or --no-update-modtime), as rclone does.
 */
export async function needsTransfer(src: FsObject, dst: FsObject, o: CompareOptions): Promise<boolean> {
  if (o.ignoreExisting) {
    log.debug(src.remote, "Destination exists, skipping");
    return false;
  }
  if (o.ignoreTimes) return true;
  if (o.update) {
    // rclone's NeedTransfer: without a common precision it assumes one second.
    const w = modifyWindowMs(src, dst, o);
    const window = w === Number.POSITIVE_INFINITY ? 1000 : w;
    await loadModTimes(src, dst, o);
    const dt = dst.modTime.getTime() - src.modTime.getTime();
    if (dt >= window) {
      log.debug(src.remote, "Destination is newer than source, skipping");
      return false;
    }
    if (dt <= -window) {
      // The source is newer: compare contents (size, then hash), fixing the modtime when they match.
      return !(await equal(src, dst, { ...o, forceModTimeMatch: true }));
    }
    // Modtimes within the window: sizes only, unless --checksum.
    return !(await equal(src, dst, { ...o, sizeOnly: !o.checksum }));
  }
  return !(await equal(src, dst, o));
}

/**
 * rclone's Equal: are two files the same by the configured comparison? `forceModTimeMatch` skips
 * the modtime comparison and goes straight to the hashes (--update with a newer source).
 */
export async function equal(
  src: FsObject,
  dst: FsObject,
  o: CompareOptions & { forceModTimeMatch?: boolean },
): Promise<boolean> {
  if (!o.ignoreSize && sizesDiffer(src, dst)) {
    log.debug(src.remote, `Sizes differ (src ${src.size} vs dst ${dst.size})`);
    return false;
  }
  if (o.sizeOnly) return true;
  const hashType = commonHash(src.fs, dst.fs);
  if (o.checksum) {
    if (!hashType) return true; // the caller has already noticed "no common hash; using size only"
    const [a, b] = await Promise.all([src.hash(hashType, o), dst.hash(hashType, o)]);
    if (!a || !b) return true;
    if (a !== b) log.debug(src.remote, `${hashType} differ`);
    return a === b;
  }
  if (!o.forceModTimeMatch) {
    const window = modifyWindowMs(src, dst, o);
    if (window === Number.POSITIVE_INFINITY) return true;
    await loadModTimes(src, dst, o);
    const dt = Math.abs(src.modTime.getTime() - dst.modTime.getTime());
    if (dt < window) return true;
  }
  // Modtimes differ: same content (by hash) only needs the modtime fixed.
  // rclone hashes here even where hashing is slow: one read beats re-sending the file.
  if (!hashType) return false;
  const [a, b] = await Promise.all([src.hash(hashType, o), dst.hash(hashType, o)]);
  if (!a || !b || a !== b) return false;
  if (o.noUpdateModTime) return true;
  await modTimeOf(src, o);
  if (o.dryRun) {
    const size = src.size >= 0 ? ` (size ${formatSize(src.size)})` : "";
    log.notice(src.remote, `Skipped update modification time as --dry-run is set${size}`);
    return true;
  }
  try {
    await dst.setModTime(src.modTime, o);
    log.info(src.remote, "Updated modification time in destination");
    return true;
  } catch (err) {
    if (isFsError(err, "NotImplemented")) return false;
    throw err;
  }
}
