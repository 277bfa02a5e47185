/** Setting modtimes and creating empty files, as rclone's `touch`. */
import { fromBytes } from "../body.js";
import { FsError, isFsError } from "../errors.js";
import { log } from "../log.js";
import type { CallOptions, Fs, FsObject } from "../types.js";
import { skippedNotice } from "./delete.js";
import { listingDepth } from "./list.js";
import { walk } from "./walk.js";

const p2 = (s: string | undefined) => Number(s);

/**
 * Parses a `--timestamp` as rclone does: `YYMMDD` (`060102`), `YYYY-MM-DDTHH:MM:SS`, or with a fraction
 * of up to nine digits (kept to the millisecond); also `YYYY-MM-DD`. UTC unless `localTime`.
 * Throws `Usage` for anything else, or for an impossible date.
 */
export function parseTouchTime(text: string, localTime = false): Date {
  const short = /^(\d{2})(\d{2})(\d{2})$/.exec(text);
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const full = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(text);
  let parts: number[] | undefined;
  if (short) {
    // Go reads two-digit years 69–99 as 19xx and 00–68 as 20xx.
    const yy = p2(short[1]);
    parts = [yy >= 69 ? 1900 + yy : 2000 + yy, p2(short[2]), p2(short[3]), 0, 0, 0, 0];
  } else if (date) {
    parts = [p2(date[1]), p2(date[2]), p2(date[3]), 0, 0, 0, 0];
  } else if (full) {
    const ms = full[7] ? Math.floor(Number(`0.${full[7]}`) * 1000 + 1e-9) : 0;
    parts = [p2(full[1]), p2(full[2]), p2(full[3]), p2(full[4]), p2(full[5]), p2(full[6]), ms];
  }
  const bad = () =>
    new FsError(
      "Usage",
      `failed to parse timestamp argument: parsing time "${text}": want YYMMDD, YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS or YYYY-MM-DDTHH:MM:SS.SSS`,
    );
  if (!parts) throw bad();
  const [y, mo, d, h, mi, s, ms] = parts as [number, number, number, number, number, number, number];
  // Date rolls 2021-02-30 over to March; Go rejects it ("day out of range"), and so do we.
  const check = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  check.setUTCFullYear(y);
  const fields = [check.getUTCFullYear(), check.getUTCMonth() + 1, check.getUTCDate(), check.getUTCHours()];
  if (fields.some((v, i) => v !== parts?.[i]) || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s) {
    throw bad();
  }
  const result = localTime
    ? new Date(2000, mo - 1, d, h, mi, s, ms)
    : new Date(Date.UTC(2000, mo - 1, d, h, mi, s, ms));
  if (localTime) result.setFullYear(y);
  else result.setUTCFullYear(y);
  return result;
}

export interface TouchOptions extends CallOptions {
  /** The modtime to set (default now). */
  time?: Date;
  /** Do not create a missing file. */
  noCreate?: boolean;
  /** For a directory, touch every file below it (else only those directly in it); never creates. */
  recursive?: boolean;
  /** Levels to descend with `recursive` (negative or undefined = all). */
  maxDepth?: number;
  dryRun?: boolean;
}

/**
 * rclone's `touch` of `remote` on `fs` (the parent directory of what the user named):
 * an existing file gets its modtime set; a missing one is created empty (unless `noCreate` or
 * `recursive`); a directory has the files directly in it touched, or all below it with `recursive`.
 * Throws what the remote throws (`NotImplemented` where modtimes cannot be set); per-file failures
 * inside a directory are logged at ERROR and the last one is thrown at the end.
 */
export async function touch(fs: Fs, remote: string, options: TouchOptions = {}): Promise<void> {
  const time = options.time ?? new Date();
  let o: FsObject;
  try {
    o = await fs.newObject(remote, options);
  } catch (err) {
    if (isFsError(err, "IsDir")) return touchDir(fs, remote, time, options);
    if (!isFsError(err, "ObjectNotFound")) throw err;
    return create(fs, remote, time, options);
  }
  if (options.dryRun) return skippedNotice(remote, "touch");
  log.debug(fs.toString(), `Touching "${remote}"`);
  try {
    await o.setModTime(time, options);
  } catch (err) {
    throw prefixed(err, "failed to touch");
  }
}

/** Creates `remote` empty, unless the options say not to. */
async function create(fs: Fs, remote: string, time: Date, options: TouchOptions): Promise<void> {
  const subject = fs.toString();
  if (remote === "") return log.notice(subject, "Not touching empty directory");
  if (options.noCreate) return log.notice(subject, "Not touching nonexistent file due to --no-create");
  if (options.recursive) return log.notice(subject, "Not touching nonexistent file due to --recursive");
  if (options.dryRun) return skippedNotice(subject, "touch (create)");
  log.debug(subject, `Touching (creating) "${remote}"`);
  try {
    await fs.put(fromBytes(new Uint8Array(0)), { remote, size: 0, modTime: time }, options);
  } catch (err) {
    throw prefixed(err, "failed to touch (create)");
  }
}

/** Sets the modtime of the files in `dir` (all levels with `recursive`). */
async function touchDir(fs: Fs, dir: string, time: Date, options: TouchOptions): Promise<void> {
  let lastError: unknown;
  const maxDepth = listingDepth(options.recursive ?? false, options.maxDepth);
  for await (const { entries } of walk(fs, dir, { maxDepth, signal: options.signal })) {
    for (const e of entries) {
      if (e.kind !== "file") continue;
      if (options.dryRun) {
        skippedNotice(e.remote, "touch", e.size);
        continue;
      }
      log.debug(fs.toString(), `Touching "${e.remote}"`);
      try {
        await e.setModTime(time, options);
      } catch (err) {
        const wrapped = prefixed(err, "failed to touch");
        log.error(e.remote, (wrapped as Error).message);
        lastError = wrapped;
      }
    }
  }
  if (lastError !== undefined) throw lastError;
}

function prefixed(err: unknown, what: string): unknown {
  if (!isFsError(err)) return err;
  return new FsError(err.code, `${what}: ${err.message}`, { retry: err.retry, cause: err });
}
