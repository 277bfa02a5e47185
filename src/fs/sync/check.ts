/**
 * check: compares two trees by size and a common hash (or bytes with --download), reporting each
 * file as matching, differing, missing on one side, or failing, in rclone's report formats.
 */
import PQueue from "p-queue";
import type { Stats } from "../accounting/stats.js";
import { sameBody } from "../body.js";
import { FsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { log } from "../log.js";
import { commonHash } from "../operations/copy.js";
import type { Entry, Fs, FsObject } from "../types.js";
import { addWithBacklog, DEFAULT_MAX_BACKLOG } from "./backlog.js";
import { march } from "./march.js";

export type CheckVerdict = "match" | "differ" | "missingOnSrc" | "missingOnDst" | "error";

/** rclone's --combined markers. */
export const COMBINED_MARK: Record<CheckVerdict, string> = {
  match: "=",
  differ: "*",
  missingOnSrc: "-",
  missingOnDst: "+",
  error: "!",
};

export interface CheckOptions {
  stats: Stats;
  checkers?: number;
  filter?: Filter;
  /** Only check that source files are in the destination. */
  oneWay?: boolean;
  /** Compare contents byte for byte. */
  download?: boolean;
  sizeOnly?: boolean;
  signal?: AbortSignal;
  /** Called for every file with its verdict (report files, --combined). */
  report?: (verdict: CheckVerdict, remote: string) => void;
  /**
   * Compares two files of equal size in place of hashes or bytes (cryptcheck). Returns whether they
   * match, or undefined when it could not tell (counted as a hash that could not be checked).
   */
  compare?: (src: FsObject, dst: FsObject) => Promise<boolean | undefined>;
  /** Files found but not yet compared, at most (--max-backlog; default 10,000). */
  maxBacklog?: number;
  /** A directory with more entries is sorted on disk (--list-cutoff; default 1,000,000). */
  listCutoff?: number;
}

export interface CheckResult {
  matches: number;
  differences: number;
  missingOnSrc: number;
  missingOnDst: number;
  errors: number;
  /** Files whose hash one side could not give (compared by size only). */
  noHash: number;
}

/**
 * Compares `src` with `dst`, reporting each file, and returns the counts. Differences are the
 * result, not a failure (as `runSync` counts failed files in its stats): `assertNoDifferences`
 * turns them into the `Differences` error the CLI exits 1 with. Throws when a listing fails.
 */
export async function check(src: Fs, dst: Fs, o: CheckOptions): Promise<CheckResult> {
  const r: CheckResult = { matches: 0, differences: 0, missingOnSrc: 0, missingOnDst: 0, errors: 0, noHash: 0 };
  const hashType = o.download || o.sizeOnly || o.compare ? undefined : commonHash(src, dst);
  if (!o.download && !o.sizeOnly && !o.compare && !hashType) {
    log.error(undefined, "No common hash found - not using a hash for checks");
  }
  const queue = new PQueue({ concurrency: o.checkers ?? 8 });
  // As rclone, a failed listing is the command's error (a missing source exits 3, not 1).
  let listFailure: unknown;
  const verdict = (v: CheckVerdict, remote: string) => {
    if (v === "match") r.matches++;
    else if (v === "differ") r.differences++;
    else if (v === "missingOnSrc") r.missingOnSrc++;
    else if (v === "missingOnDst") r.missingOnDst++;
    else r.errors++;
    o.report?.(v, remote);
  };
  const compare = async (s: FsObject, d: FsObject) => {
    o.stats.totalChecks++;
    try {
      verdict((await same(s, d)) ? "match" : "differ", s.remote);
    } catch (err) {
      o.stats.error(err, s.remote, "Failed to check");
      verdict("error", s.remote);
    } finally {
      o.stats.checks++;
    }
  };
  const same = async (s: FsObject, d: FsObject): Promise<boolean> => {
    if (s.size >= 0 && d.size >= 0 && s.size !== d.size) {
      log.error(s.remote, "sizes differ");
      return false;
    }
    // As rclone: --size-only wins over --download.
    if (o.sizeOnly) return true;
    if (o.download) {
      const equal = await sameBody(await s.open(o), await d.open(o));
      if (!equal) log.error(s.remote, "contents differ");
      return equal;
    }
    if (o.compare) {
      const equal = await o.compare(s, d);
      if (equal === undefined) r.noHash++;
      return equal ?? true;
    }
    if (!hashType) return true;
    const [a, b] = await Promise.all([s.hash(hashType, o), d.hash(hashType, o)]);
    if (!a || !b) {
      r.noHash++;
      return true;
    }
    if (a !== b) log.error(s.remote, `${hashType} differ`);
    return a === b;
  };
  await march(
    src,
    dst,
    "",
    {
      srcOnly: (e: Entry) => {
        if (e.kind === "dir") return true;
        log.error(e.remote, `file not in ${dst}`);
        verdict("missingOnDst", e.remote);
        return false;
      },
      dstOnly: (e: Entry) => {
        if (o.oneWay) return false;
        if (e.kind === "dir") return true;
        log.error(e.remote, `file not in ${src}`);
        verdict("missingOnSrc", e.remote);
        return false;
      },
      match: async (s: Entry, d: Entry) => {
        if (s.kind === "dir") return true;
        await addWithBacklog(
          queue,
          o.maxBacklog ?? DEFAULT_MAX_BACKLOG,
          () => compare(s, d as FsObject),
          (err) => o.stats.error(err, s.remote, "internal error"),
        );
        return false;
      },
      listError: (err, dir) => {
        o.stats.error(err, dir, "error listing");
        r.errors++;
        listFailure ??= err;
      },
    },
    { checkers: o.checkers ?? 8, filter: o.filter, signal: o.signal, listCutoff: o.listCutoff },
  );
  await queue.onIdle();
  summarise(src, dst, r, o.oneWay);
  if (listFailure !== undefined) throw listFailure;
  return r;
}

/**
 * What rclone counts as differences: files differing, missing on the destination, missing on the
 * source (unless `oneWay`) and files that could not be compared.
 */
export function differencesIn(r: CheckResult, oneWay = false): number {
  return r.differences + r.missingOnDst + (oneWay ? 0 : r.missingOnSrc) + r.errors;
}

/** Throws `Differences` ("N differences found", rclone's check exits 1) when `r` has any. */
export function assertNoDifferences(r: CheckResult, oneWay = false): void {
  const differences = differencesIn(r, oneWay);
  if (differences > 0) throw new FsError("Differences", `${differences} differences found`);
}

function summarise(src: Fs, dst: Fs, r: CheckResult, oneWay?: boolean): void {
  if (r.missingOnDst > 0) log.notice(String(dst), `${r.missingOnDst} files missing`);
  if (r.missingOnSrc > 0 && !oneWay) log.notice(String(src), `${r.missingOnSrc} files missing`);
  const differences = differencesIn(r, oneWay);
  log.notice(String(dst), `${differences} differences found`);
  // rclone counts every difference as an error, and says so.
  if (differences > 0) log.notice(String(dst), `${differences} errors while checking`);
  if (r.noHash > 0) log.notice(String(dst), `${r.noHash} hashes could not be checked`);
  if (r.matches > 0) log.notice(String(dst), `${r.matches} matching files`);
}
