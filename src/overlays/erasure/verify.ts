/**
 * `erasure verify`: reads every shard of every file and checks it against its format
 * (docs/erasure-format.md, "What a reader checks"): header checksum and fields, every piece's
 * checksum, the trailer's checksum, size and segment count, and that nothing follows it. Nothing is
 * decoded, so a shard is judged on its own bytes.
 */
import { ByteReader } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import type { Body, CallOptions, FsObject } from "../../fs/types.js";
import {
  CHECKSUM_SIZE,
  decodeHeader,
  decodeTrailer,
  HEADER_SIZE,
  Layout,
  pieceChecksum,
  type ShardHeader,
  type ShardTrailer,
  TRAILER_SIZE,
} from "./format.js";
import type { ErasureFs } from "./fs.js";
import { newTallies, type ScanOptions, type StoredFile, scanShards, type UpstreamTally } from "./scan.js";

export type ShardCheck =
  | { index: number; state: "ok"; obj: FsObject; header: ShardHeader; trailer: ShardTrailer }
  | { index: number; state: "missing" }
  | { index: number; state: "bad"; obj: FsObject; reason: string };

/** One version of one file, shard by shard. */
export interface FileCheck {
  remote: string;
  size: number;
  vid: number;
  /** By shard index, all n. */
  shards: ShardCheck[];
  healthy: number;
}

/** What a shard must say about itself: its version, index and the configured code. */
interface Expected {
  index: number;
  k: number;
  m: number;
  vid: number;
  size: number;
}

/**
 * Reads one shard object to its end; "bad" with the first problem found, "missing" if it is gone.
 * `account` wraps the shard's bytes (for --progress).
 */
export async function verifyShard(
  obj: FsObject,
  want: Expected,
  options?: CallOptions,
  account: (body: Body) => Body = (body) => body,
): Promise<ShardCheck> {
  const bad = (reason: string): ShardCheck => ({ index: want.index, state: "bad", obj, reason });
  let reader: ByteReader;
  try {
    reader = new ByteReader(account(await obj.open({ signal: options?.signal })));
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return { index: want.index, state: "missing" };
    return bad(`cannot be read: ${(err as Error).message}`);
  }
  try {
    const headerBytes = Buffer.from(await reader.read(HEADER_SIZE));
    const header = decodeHeader(headerBytes);
    if (typeof header === "string") return bad(header);
    if (header.index !== want.index || header.k !== want.k || header.m !== want.m || header.vid !== want.vid) {
      return bad("header does not match its name and the configuration");
    }
    const layout = new Layout(want.size, want.k, header.segmentSize);
    for (let j = 0; j < layout.segments; j++) {
      const length = layout.pieceLength(j);
      const bytes = await reader.read(length + CHECKSUM_SIZE);
      if (bytes.length < length + CHECKSUM_SIZE) return bad(`truncated at segment ${j}`);
      if (!pieceChecksum(bytes.subarray(0, length), j, want.index).equals(bytes.subarray(length))) {
        return bad(`piece of segment ${j} fails its checksum`);
      }
    }
    const trailerBytes = await reader.read(TRAILER_SIZE);
    if (trailerBytes.length < TRAILER_SIZE) return bad("truncated in the trailer");
    const trailer = decodeTrailer(trailerBytes, headerBytes);
    if (typeof trailer === "string") return bad(trailer);
    if (trailer.size !== want.size || trailer.segments !== layout.segments) {
      return bad(`trailer says ${trailer.size} bytes in ${trailer.segments} segments, the name ${want.size}`);
    }
    if ((await reader.read(1)).length > 0) return bad("bytes after the trailer");
    return { index: want.index, state: "ok", obj, header, trailer };
  } catch (err) {
    return bad(`cannot be read: ${(err as Error).message}`);
  } finally {
    await reader.close().catch(() => undefined);
  }
}

/**
 * Verifies every shard of one version (n reads in parallel). Shards that verify alone but disagree
 * with most of the others on segment size, modtime or whole-file hashes are bad too: a rebuild takes
 * those from any good shard.
 */
export async function verifyFile(
  fs: ErasureFs,
  v: StoredFile,
  options?: Pick<ScanOptions, "signal" | "stats">,
): Promise<FileCheck> {
  const { k, m } = fs.plan;
  const bytes = v.shards.reduce((n, obj) => n + Math.max(0, obj?.size ?? 0), 0);
  const counted = options?.stats?.startTransfer(v.remote, bytes, "check");
  const account = counted && ((body: Body) => counted.account(body, options?.signal));
  const shards = await Promise.all(
    v.shards.map((obj, index): Promise<ShardCheck> | ShardCheck =>
      obj ? verifyShard(obj, { index, k, m, vid: v.vid, size: v.size }, options, account) : { index, state: "missing" },
    ),
  );
  counted?.done();
  const facts = (c: ShardCheck) =>
    c.state === "ok" ? `${c.header.segmentSize}/${c.header.modTimeNs}/${c.trailer.md5}/${c.trailer.sha1}` : undefined;
  const counts = new Map<string, number>();
  for (const c of shards) {
    const f = facts(c);
    if (f) counts.set(f, (counts.get(f) ?? 0) + 1);
  }
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const checked = shards.map((c): ShardCheck => {
    if (c.state !== "ok" || facts(c) === common) return c;
    return { index: c.index, state: "bad", obj: c.obj, reason: "header or trailer disagrees with the other shards" };
  });
  const healthy = checked.filter((c) => c.state === "ok").length;
  return { remote: v.remote, size: v.size, vid: v.vid, shards: checked, healthy };
}

export interface VerifyReport {
  k: number;
  n: number;
  upstreams: UpstreamTally[];
  files: number;
  /** Files with fewer than n healthy shards (unreadable ones included). */
  degraded: string[];
  /** Files with fewer than k healthy shards: they cannot be read or rebuilt. */
  unreadable: string[];
}

/**
 * Verifies the current version of every file under `options.dir` (or one file); a name no version
 * of which has k shards listed is checked at its newest version, and is unreadable. `onFile` sees
 * each file in walk order. Throws what scanning throws (`DirNotFound`, an unreachable tree).
 */
export async function verifyErasure(
  fs: ErasureFs,
  options: ScanOptions & { onFile?: (f: FileCheck) => void } = {},
): Promise<VerifyReport> {
  const { k, m } = fs.plan;
  const upstreams = newTallies(fs);
  const report: VerifyReport = { k, n: k + m, upstreams, files: 0, degraded: [], unreadable: [] };
  for await (const dir of scanShards(fs, upstreams, options)) {
    for (const file of dir.files) {
      const check = await verifyFile(fs, file.current ?? (file.versions[0] as StoredFile), options);
      report.files++;
      if (check.healthy < k + m) report.degraded.push(check.remote);
      if (check.healthy < k) report.unreadable.push(check.remote);
      options.onFile?.(check);
    }
  }
  return report;
}

/**
 * The error a verify run ends with: `Corrupt` naming the files that have fewer than k healthy
 * shards, else `Differences` (exit code 1, as rclone's check) when some have fewer than n, else none.
 */
export function verifyProblem(report: VerifyReport): FsError | undefined {
  if (report.unreadable.length > 0) {
    const [first, ...rest] = report.unreadable as [string, ...string[]];
    const others = rest.length > 0 ? ` (and ${rest.join(", ")})` : "";
    return new FsError("Corrupt", `fewer than ${report.k} healthy shards, cannot be read${others}`, { path: first });
  }
  if (report.degraded.length > 0) {
    return new FsError("Differences", `${report.degraded.length} file(s) with fewer than ${report.n} healthy shards`);
  }
  return undefined;
}
