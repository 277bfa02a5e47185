/**
 * `erasure rebuild`: recreates the shards a file's current version lacks (missing from an upstream,
 * or failing verify anywhere: a piece, the header, the trailer) from the good pieces of the others.
 * The file is read segment by segment, each from k good pieces of that segment (memory: a few
 * segments), re-encoded with the version's own k and m, and each shard that was not whole is
 * written again under the temporary name and renamed, with the header of the version it joins: the
 * bytes the upload wrote. A bad shard is rewritten where it is; a missing one goes where placement
 * puts it with the surviving shards fixed (upstream i without a pool). Whole shards are left alone.
 */
import { createHash } from "node:crypto";
import { asFsError, FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import { baseName, joinRemote, parentOf } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { SegmentReader } from "./download.js";
import { encodeHeader, encodeTrailer, Layout, type ShardHeader, shardName, tempShardName } from "./format.js";
import type { ErasureFs } from "./fs.js";
import { segmentRecords } from "./pieces.js";
import { newTallies, type ScanOptions, scanShards } from "./scan.js";
import { ShardSink } from "./sink.js";
import { rename } from "./upload.js";
import { type FileCheck, type ShardCheck, shardProblems, verifyFile } from "./verify.js";

/** A shard whose header is good: its pieces that passed serve the rebuild. */
type UsableShard = Extract<ShardCheck, { state: "ok" | "bad" }> & { header: ShardHeader };

/** One file's repair: the shard indices rebuilt (or, in a dry run, to rebuild). */
export interface FileRebuild {
  remote: string;
  shards: number[];
}

/** Options of a pass that repairs files one by one (rebuild, re-encode). */
export interface FilePassOptions<Done> extends ScanOptions {
  /** Only say what would be done. */
  dryRun?: boolean;
  /** Called after each file the pass changed (or, in a dry run, would change). */
  onFile?: (r: Done) => void;
}

export type RebuildOptions = FilePassOptions<FileRebuild>;

export interface RebuildReport {
  files: number;
  rebuilt: FileRebuild[];
}

/**
 * Verifies the current version of every file under `options.dir` (or one file) and rebuilds the
 * shards it lacks. Files that cannot be rebuilt do not stop the others; at the end the one failure
 * is thrown as it was (`Corrupt` naming a file with fewer than k healthy shards), or, for several,
 * one error listing them (`Corrupt` when all are). Throws what scanning throws.
 */
export async function rebuildErasure(fs: ErasureFs, options: RebuildOptions = {}): Promise<RebuildReport> {
  const report: RebuildReport = { files: 0, rebuilt: [] };
  const failures: FsError[] = [];
  for await (const dir of scanShards(fs, newTallies(fs), options)) {
    for (const file of dir.files) {
      report.files++;
      if (!file.current) {
        const k = file.versions[0]?.k;
        failures.push(new FsError("Corrupt", `fewer than ${k} shards of any version present`, { path: file.remote }));
        continue;
      }
      const check = await verifyFile(fs, file.current, options);
      const missing = check.shards.filter((s) => s.state !== "ok").map((s) => s.index);
      if (missing.length === 0) continue;
      if (!check.readable) {
        const why = `${check.unreadable}: cannot rebuild (${shardProblems(check).join("; ")})`;
        failures.push(new FsError("Corrupt", why, { path: file.remote }));
        continue;
      }
      const done = { remote: file.remote, shards: missing };
      if (options.dryRun) {
        log.notice(file.remote, `Skipped rebuild of shards ${missing.join(", ")} as --dry-run is set`);
      } else {
        try {
          await rebuildFile(fs, check, options);
        } catch (err) {
          failures.push(asFsError(err, "Other", file.remote));
          continue;
        }
        log.info(file.remote, `Rebuilt shards ${missing.join(", ")}`);
      }
      report.rebuilt.push(done);
      options.onFile?.(done);
    }
  }
  throwCollected(failures);
  return report;
}

/**
 * Throws the failures of a run over many files: one as it was, several as one error listing them
 * (`Corrupt` when all are); nothing when there are none.
 */
export function throwCollected(failures: FsError[]): void {
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) {
    const code = failures.every((f) => f.code === "Corrupt") ? "Corrupt" : "Other";
    throw new FsError(code, `${failures.length} files not done: ${failures.map((f) => f.message).join("; ")}`);
  }
}

/**
 * Writes the shards `check` found missing or bad, from the good pieces of every shard whose header
 * is good. The decoded plaintext must match the MD5 and SHA-1 the trailers agree on before anything
 * is renamed into place; on any failure the temporary shards are removed and nothing changes.
 * Throws `Corrupt` when fewer than k good pieces remain for a segment, when no trailer is valid
 * (nothing to check the decoded data against) or the hashes differ, and what the upstreams throw.
 */
export async function rebuildFile(
  fs: ErasureFs,
  check: FileCheck,
  options?: Pick<ScanOptions, "signal" | "stats">,
): Promise<void> {
  const { k, m, header, trailer } = check;
  const sources = check.shards.filter((s): s is UsableShard => s.state === "ok" || (s.state === "bad" && !!s.header));
  const ref = sources.find((s) => s.state === "ok") ?? sources[0];
  if (!check.readable || !header || !ref) {
    throw new FsError("Corrupt", `${check.unreadable ?? "no good header"}: cannot rebuild`, { path: check.remote });
  }
  if (!trailer) {
    throw new FsError("Corrupt", "no shard has a valid trailer to check the decoded data against: cannot rebuild", {
      path: check.remote,
    });
  }
  const layout = new Layout(check.size, k, header.segmentSize);
  const dir = parentOf(check.remote);
  const name = baseName(check.remote);
  const named = check.format === 2 ? { k, m } : {};
  const at = (index: number) => ({ name, size: check.size, vid: check.vid, ...named, index });
  const targets = check.shards.filter((s) => s.state !== "ok").map((s) => s.index);
  const held = check.shards.map((s) => (s.state === "missing" ? -1 : (check.homes[s.index] as number)));
  const homes = await fs.placement.homes(check.remote, held, layout.shardObjectSize, fs.down);
  const rs = await fs.codec(k, m);
  // The file's modtime is its shards' listed one (touch changes it), so rebuilt shards list as their siblings do.
  const modTime = ref.obj.modTime;
  const sinks = targets.map(
    (index) =>
      new ShardSink(
        index,
        fs.upstreams[homes[index] as number] as Fs,
        joinRemote(dir, tempShardName(at(index))),
        layout.shardObjectSize,
        modTime,
        options?.signal,
      ),
  );
  const headers = targets.map((index) => encodeHeader({ ...header, index }));
  const release = fs.beginWrite(check.remote, check.vid);
  const counted = options?.stats?.startTransfer(check.remote, targets.length * layout.shardObjectSize);
  try {
    for (const [x, s] of sinks.entries()) s.push(headers[x] as Buffer);
    const source = {
      remote: check.remote,
      size: check.size,
      vid: check.vid,
      k,
      m,
      segmentSize: header.segmentSize,
      shards: check.shards.map((s) => (sources.includes(s as UsableShard) ? (s as UsableShard).obj : undefined)),
    };
    const md5 = createHash("md5");
    const sha1 = createHash("sha1");
    let j = 0;
    for await (const segment of new SegmentReader(source, rs, 0, options).read(0, check.size)) {
      md5.update(segment);
      sha1.update(segment);
      const records = segmentRecords(
        segment,
        j,
        k,
        m,
        rs,
        sinks.map((s) => s.index),
      );
      for (const s of sinks) {
        const record = records.get(s.index) as Uint8Array;
        s.push(record);
        counted?.add(record.length);
      }
      j++;
      await Promise.all(sinks.map((s) => s.whenReady()));
      const failed = sinks.find((s) => s.failed);
      if (failed) throw failed.failure;
    }
    if (md5.digest("hex") !== trailer.md5 || sha1.digest("hex") !== trailer.sha1) {
      throw new FsError("Corrupt", "decoded data does not match the stored MD5 and SHA-1", { path: check.remote });
    }
    for (const [x, s] of sinks.entries()) {
      s.push(encodeTrailer(trailer, headers[x] as Buffer));
      s.close();
    }
    const temps = await Promise.all(sinks.map((s) => s.done));
    await commit(temps, sinks, (index) => joinRemote(dir, shardName(at(index))), options);
    counted?.done();
  } catch (err) {
    counted?.done(err);
    // A cancelled put removes what it wrote; a finished one left a temporary shard to remove.
    for (const s of sinks) s.cancel(err);
    await Promise.allSettled(sinks.map((s) => (s.finished ? s.done.then((o) => o.remove()) : undefined)));
    throw err;
  } finally {
    release();
  }
}

/** Renames every temporary shard into place on its sink's upstream; throws the first failure once all have been tried. */
async function commit(
  temps: FsObject[],
  sinks: ShardSink[],
  finalName: (index: number) => string,
  options?: CallOptions,
): Promise<void> {
  const results = await Promise.allSettled(
    temps.map((t, x) => {
      const sink = sinks[x] as ShardSink;
      return rename(sink.upstream, t, finalName(sink.index), options);
    }),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
}
