/**
 * `erasure rebuild --reencode`: moves files written with other parameters (k, m, segment size, name
 * format 1) or placed where the failure domains no longer hold onto the configured ones, file by
 * file. Each file is read through its current version and written as a new one by the normal
 * upload path (new VID, same modtime); the old version's shards are removed only once the new one
 * is committed and its MD5 and SHA-1 equal the old trailer's, so the file reads throughout, and a
 * read caught by the switch goes on with the new version (object.ts).
 */
import { asFsError, FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { CallOptions } from "../../fs/types.js";
import { groupOf, worstLoss } from "./domains.js";
import { readHead } from "./ends.js";
import { headerFor } from "./format.js";
import type { ErasureFs } from "./fs.js";
import { type FilePassOptions, throwCollected } from "./rebuild.js";
import { newTallies, type ScanOptions, type StoredFile, scanShards } from "./scan.js";

/** One file re-encoded (or, in a dry run, to re-encode), and why. */
export interface FileReencode {
  remote: string;
  why: string;
}

export interface ReencodeReport {
  files: number;
  reencoded: FileReencode[];
}

/**
 * Re-encodes every file under `options.dir` (or one file) whose current version does not match the
 * configuration (`outdated`); the others are skipped. Each file is one transfer in `options.stats`,
 * counting the bytes written. Files that fail do not stop the others; the failures are thrown at
 * the end as `rebuildErasure` throws them (`Corrupt` for a file that cannot be read or whose new
 * version's hashes differ). Throws what scanning throws.
 */
export async function reencodeErasure(
  fs: ErasureFs,
  options: FilePassOptions<FileReencode> = {},
): Promise<ReencodeReport> {
  const report: ReencodeReport = { files: 0, reencoded: [] };
  const failures: FsError[] = [];
  for await (const dir of scanShards(fs, newTallies(fs), options)) {
    for (const file of dir.files) {
      report.files++;
      const v = file.current;
      if (!v) {
        const k = file.versions[0]?.k;
        failures.push(new FsError("Corrupt", `fewer than ${k} shards of any version present`, { path: file.remote }));
        continue;
      }
      const why = await outdated(fs, v, options);
      if (!why) continue;
      const done = { remote: file.remote, why };
      if (options.dryRun) {
        log.notice(file.remote, `Skipped re-encode (${why}) as --dry-run is set`);
      } else {
        try {
          await reencodeFile(fs, v, file.versions, options);
        } catch (err) {
          failures.push(asFsError(err, "Other", file.remote));
          continue;
        }
        log.info(file.remote, `Re-encoded (${why})`);
      }
      report.reencoded.push(done);
      options.onFile?.(done);
    }
  }
  throwCollected(failures);
  return report;
}

/**
 * Why version `v` does not match the configuration, or undefined when it does: its name format,
 * its k and m, its segment size (from the header of its first shard that has a valid one), or its
 * shards' placement (two on one upstream, or more in the groups a loss may take than m covers).
 * Missing shards are `erasure rebuild`'s, not a reason to re-encode.
 */
export async function outdated(fs: ErasureFs, v: StoredFile, options?: CallOptions): Promise<string | undefined> {
  const { k, m, segmentSize, domains } = fs.plan;
  if (v.k !== k || v.m !== m) return `written as ${v.k}+${v.m}, configured ${k}+${m}`;
  if (v.format === 1) return "name format 1";
  const held = v.homes.filter((u) => u >= 0);
  if (new Set(held).size !== held.length) return "two shards on one upstream";
  const group = groupOf(domains);
  const counts = domains.groups.map(() => 0);
  for (const u of held) counts[group.get(u) as number]++;
  const loss = worstLoss(counts, domains);
  if (loss.total > m) return `placement loses ${loss.total} shards to the losses the groups allow, more than ${m}`;
  const written = await segmentSizeOf(v, options);
  if (written !== undefined && written !== segmentSize) {
    return `written with segment size ${written}, configured ${segmentSize}`;
  }
  return undefined;
}

/** The segment size the first shard with a valid header states. */
async function segmentSizeOf(v: StoredFile, options?: CallOptions): Promise<number | undefined> {
  for (const [index, obj] of v.shards.entries()) {
    if (!obj) continue;
    try {
      const h = headerFor(await readHead(obj, options), { index, vid: v.vid, k: v.k, m: v.m });
      if (typeof h !== "string") return h.segmentSize;
    } catch {
      // An unreadable shard says nothing; the next one may.
    }
  }
  return undefined;
}

/**
 * Writes `v`'s bytes as a new version with the configured parameters, then removes `v` and the
 * versions older than it (of `versions`). Throws `Corrupt` (after removing the new version) when
 * the new version's MD5 or SHA-1 differ from `v`'s trailer, and what reading `v` or the upload
 * throws (nothing is removed then).
 */
async function reencodeFile(
  fs: ErasureFs,
  v: StoredFile,
  versions: StoredFile[],
  options: Pick<ScanOptions, "signal" | "stats">,
): Promise<void> {
  const old = fs.objectOf(v.remote, v);
  const modTime = old.modTime;
  const want = await fs.readTrailer(v, v.remote, options);
  const counted = options.stats?.startTransfer(v.remote, v.size);
  try {
    const read = await old.open({ signal: options.signal });
    const body = counted ? counted.account(read, options.signal) : read;
    const { object } = await fs.writeVersion(body, { remote: v.remote, size: v.size, modTime }, options);
    const got = object.trailer;
    if (!got || got.md5 !== want.md5 || got.sha1 !== want.sha1) {
      await object.remove(options);
      throw new FsError("Corrupt", "re-encoded data does not match the stored MD5 and SHA-1: old version kept", {
        path: v.remote,
      });
    }
    await fs.removeVersions(
      v.remote,
      versions.filter((x) => x.vid <= v.vid),
      options,
    );
    counted?.done();
  } catch (err) {
    counted?.done(err);
    throw err;
  }
}
