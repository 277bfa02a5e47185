/**
 * checksum: checks the files of a remote against a SUM file (`hash  name` lines, as md5sum and
 * `strata hashsum` write them), reporting each as `check` does, with rclone 1.60's messages.
 */
import PQueue from "p-queue";
import type { Stats } from "../accounting/stats.js";
import { toBytes } from "../body.js";
import { FsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import type { HashType } from "../hashes.js";
import { log } from "../log.js";
import { hashSum } from "../operations/hashsum.js";
import { walk } from "../operations/walk.js";
import type { CallOptions, Fs, FsObject } from "../types.js";
import type { CheckVerdict } from "./check.js";

/** Warnings about bad lines shown before the rest are only counted (rclone's limit). */
const MAX_WARNINGS = 3;

/**
 * The sums of a SUM file by file name (hashes lower-cased). A line that is not `hash  name` or
 * `hash *name`, or names a file already given, is skipped with rclone's notice (numbered from 0,
 * as rclone numbers them).
 */
export async function parseSumFile(sumFile: FsObject, options: CallOptions = {}): Promise<Map<string, string>> {
  const text = new TextDecoder().decode(await toBytes(await sumFile.open(options)));
  const sums = new Map<string, string>();
  let warnings = 0;
  const warn = (what: string, lineNo: number) => {
    warnings++;
    if (warnings <= MAX_WARNINGS) log.notice(sumFile.remote, `${what} ${lineNo}`);
  };
  for (const [lineNo, raw] of text.split("\n").entries()) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line === "") continue;
    const m = /^([^ ]+) [ *](.+)$/.exec(line);
    if (!m) {
      warn("improperly formatted checksum line", lineNo);
      continue;
    }
    const [, sum, file] = m as unknown as [string, string, string];
    if (sums.has(file)) {
      warn("duplicate file on checksum line", lineNo);
      continue;
    }
    sums.set(file, sum.toLowerCase());
  }
  if (warnings > MAX_WARNINGS) log.notice(sumFile.remote, `${warnings - MAX_WARNINGS} warning(s) suppressed...`);
  return sums;
}

export interface ChecksumOptions extends CallOptions {
  stats: Stats;
  hashType: HashType;
  /** Hash the data here instead of asking the remote. */
  download?: boolean;
  /** Files without a sum are not differences. */
  oneWay?: boolean;
  filter?: Filter;
  checkers?: number;
  /** Called for every file with its verdict (report files, --combined). */
  report?: (verdict: CheckVerdict, remote: string) => void;
}

/**
 * Checks every file of `fs` against `sums`, which it consumes. Throws `NotImplemented` when the
 * remote cannot give `hashType` (without `download`), `Differences` when anything differs or is
 * missing, after reporting it all.
 */
export async function checkSums(fs: Fs, sums: Map<string, string>, o: ChecksumOptions): Promise<void> {
  if (!o.download && !fs.hashes.has(o.hashType)) {
    throw new FsError("NotImplemented", `${o.hashType}: hash type is not supported by file system: ${fs}`);
  }
  const counts = { differences: 0, missingOnDst: 0, missingOnSrc: 0, matches: 0, noHash: 0 };
  const problem = (remote: string, message: string, verdict: CheckVerdict) => {
    o.stats.error(new FsError("Differences", message), remote);
    o.report?.(verdict, remote);
  };
  const queue = new PQueue({ concurrency: o.checkers ?? 8 });
  const checkOne = async (f: FsObject, sum: string | undefined) => {
    const t = o.stats.startTransfer(f.remote, f.size, "check");
    o.stats.totalChecks++;
    try {
      if (sum === undefined) {
        counts.differences++;
        counts.missingOnSrc++;
        return problem(f.remote, "sum not found", "missingOnSrc");
      }
      let got: string;
      try {
        got = await hashSum(f, o.hashType, { download: o.download, signal: o.signal });
      } catch (err) {
        o.stats.error(err, f.remote, "Failed to calculate hash");
        return o.report?.("error", f.remote);
      }
      if (got === "") {
        log.debug(f.remote, `${o.hashType} - could not check hash (${fs})`);
        counts.noHash++;
      } else if (got !== sum) {
        log.debug(f.remote, `${o.hashType} = ${got} (${fs})`);
        counts.differences++;
        return problem(f.remote, "files differ", "differ");
      } else log.debug(f.remote, `${o.hashType} = ${sum} OK`);
      counts.matches++;
      o.report?.("match", f.remote);
    } finally {
      t.done();
    }
  };
  for await (const { entries } of walk(fs, "", { filter: o.filter, signal: o.signal })) {
    for (const e of entries) {
      if (e.kind !== "file") continue;
      const sum = sums.get(e.remote);
      sums.delete(e.remote);
      if (sum === undefined && o.oneWay) continue;
      await queue.onSizeLessThan(queue.concurrency * 2);
      void queue.add(() => checkOne(e, sum));
    }
  }
  await queue.onIdle();
  for (const name of [...sums.keys()].sort()) {
    if (o.filter && !o.filter.includeRemote(name)) continue;
    counts.missingOnDst++;
    problem(name, `file not in ${fs}`, "missingOnDst");
  }
  // rclone's summary: the differences it reports are the errors counted so far.
  if (counts.missingOnDst > 0) log.notice(String(fs), `${counts.missingOnDst} files missing`);
  if (counts.missingOnSrc > 0) log.notice(undefined, `${counts.missingOnSrc} hashes missing`);
  log.notice(String(fs), `${o.stats.errors} differences found`);
  if (o.stats.errors > 0) log.notice(String(fs), `${o.stats.errors} errors while checking`);
  if (counts.noHash > 0) log.notice(String(fs), `${counts.noHash} hashes could not be checked`);
  if (counts.matches > 0) log.notice(String(fs), `${counts.matches} matching files`);
  const differences = counts.differences + counts.missingOnDst;
  if (o.stats.errors > 0) throw new FsError("Differences", `${differences || o.stats.errors} differences found`);
}
