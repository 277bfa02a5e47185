/**
 * `erasure verify`: reads every shard of every file and checks it against its format
 * (docs/erasure-format.md, "What a reader checks"): header checksum and fields, every piece's
 * checksum, the trailer's checksum, size and segment count, and that nothing follows it. Headers and
 * trailers that are valid alone must agree with most of their siblings'. Nothing is decoded, so a
 * shard is judged on its own bytes, piece by piece: a bad piece marks its shard bad, but the
 * file stays readable while every segment keeps k good pieces.
 */
import { ByteReader } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import type { Body, CallOptions, FsObject } from "../../fs/types.js";
import { disagreement, voteTrailers } from "./consensus.js";
import { describeShard } from "./download.js";
import { voteVersionHeader } from "./ends.js";
import {
  CHECKSUM_SIZE,
  decodeTrailer,
  HEADER_SIZE,
  headerFor,
  Layout,
  pieceChecksum,
  type ShardHeader,
  type ShardTrailer,
  TRAILER_SIZE,
} from "./format.js";
import type { ErasureFs } from "./fs.js";
import { newTallies, type ScanOptions, type StoredFile, scanShards, type UpstreamTally } from "./scan.js";

/**
 * One shard of a version. A "bad" shard whose `header` is set has pieces a read can still use: all
 * but those of `badSegments` and, when it ends early, those from `cutAt` on.
 */
export type ShardCheck =
  | { index: number; state: "ok"; obj: FsObject; header: ShardHeader; trailer: ShardTrailer }
  | { index: number; state: "missing" }
  | {
      index: number;
      state: "bad";
      obj: FsObject;
      /** Every problem found, `; `-separated. */
      reason: string;
      /** Set when the header is valid and agrees with the other shards'. */
      header?: ShardHeader;
      /** Segments whose piece fails its checksum, in order. */
      badSegments: number[];
      /** The first segment missing because the shard ends early. */
      cutAt?: number;
    };

/**
 * One version of one file, shard by shard: what `StoredFile` says of it (its own k, m and name
 * format, which a rebuilt shard follows), then what reading found.
 */
export interface FileCheck extends Pick<StoredFile, "remote" | "size" | "vid" | "k" | "m" | "format"> {
  /** By shard index, the upstream holding it (-1 where missing). */
  homes: number[];
  /** By shard index, all k + m. */
  shards: ShardCheck[];
  /** Shards with nothing wrong. */
  healthy: number;
  /** The header most shards agree on (its `index` is one of theirs); undefined when none is valid. */
  header?: ShardHeader;
  /** The whole-file hashes most valid trailers agree on. */
  trailer?: ShardTrailer;
  /** Whether every segment has k good pieces (and k shards a good header), so the file reads. */
  readable: boolean;
  /** When it does not: why, naming the first segment short of pieces. */
  unreadable?: string;
}

/** A shard opened and its header read, before the headers are compared. */
type Opened =
  | { index: number; state: "missing" }
  | { index: number; state: "bad"; obj: FsObject; reason: string }
  | { index: number; state: "open"; obj: FsObject; reader: ByteReader; headerBytes: Buffer; header: ShardHeader };

/** A shard read to its end: every problem found, and its trailer when that is valid. */
type Scanned = Extract<ShardCheck, { state: "bad" }> & { trailer?: ShardTrailer; problems: string[] };
type Missing = Extract<ShardCheck, { state: "missing" }>;

/**
 * Verifies every shard of one version (n reads in parallel, one stream each): first the headers, put
 * to a vote; then each shard's pieces and trailer with the agreed segment size. `account` wraps each
 * shard's bytes (for --progress).
 */
export async function verifyFile(
  fs: ErasureFs,
  v: StoredFile,
  options?: Pick<ScanOptions, "signal" | "stats">,
): Promise<FileCheck> {
  const { k, m } = v;
  const bytes = v.shards.reduce((n, obj) => n + Math.max(0, obj?.size ?? 0), 0);
  const counted = options?.stats?.startTransfer(v.remote, bytes, "check");
  const account = counted ? (body: Body) => counted.account(body, options?.signal) : (body: Body) => body;
  const opened = await Promise.all(
    v.shards.map((obj, index) =>
      obj ? openShard(obj, { index, vid: v.vid, k, m }, options, account) : ({ index, state: "missing" } as const),
    ),
  );
  const header = await agreedHeader(fs, v, opened, options);
  const layout = new Layout(v.size, k, header?.segmentSize ?? fs.plan.segmentSize);
  const scanned = await Promise.all(
    opened.map((o): Promise<Scanned> | Scanned | Missing => {
      if (o.state === "missing") return o;
      if (o.state === "bad") return { ...o, badSegments: [], problems: [o.reason] };
      const outvoted = header && disagreement(o.header, header);
      // Pieces are found by the segment size; one header field wrong beyond it costs the header only.
      if (outvoted && o.header.segmentSize !== header.segmentSize) {
        void o.reader.close().catch(() => undefined);
        return { index: o.index, state: "bad", obj: o.obj, reason: outvoted, badSegments: [], problems: [outvoted] };
      }
      return scanShard(o, layout, v.size).then((scanned) => {
        if (outvoted) scanned.problems.unshift(outvoted);
        return scanned;
      });
    }),
  );
  counted?.done();
  const trailer = voteTrailers(scanned.map((c) => (c.state === "bad" ? c.trailer : undefined)));
  const shards = scanned.map((c): ShardCheck => {
    if (c.state !== "bad") return c;
    const { problems, trailer: own, ...rest } = c;
    if (own && trailer && (own.md5 !== trailer.md5 || own.sha1 !== trailer.sha1)) {
      problems.push("trailer's hashes differ from the other shards'");
    }
    if (problems.length === 0 && own && c.header) {
      return { index: c.index, state: "ok", obj: c.obj, header: c.header, trailer: own };
    }
    return { ...rest, reason: problems.join("; ") };
  });
  const unreadable = shortOfPieces(shards, layout.segments, k);
  return {
    remote: v.remote,
    size: v.size,
    vid: v.vid,
    k,
    m,
    format: v.format,
    homes: v.homes,
    shards,
    healthy: shards.filter((c) => c.state === "ok").length,
    header,
    trailer,
    readable: unreadable === undefined,
    unreadable,
  };
}

/**
 * The header the shards agree on: when every valid header says the same, that one; else the vote
 * of `voteVersionHeader`, which reads each shard's trailer too so a forged header cannot win.
 */
async function agreedHeader(
  fs: ErasureFs,
  v: StoredFile,
  opened: Opened[],
  options?: CallOptions,
): Promise<ShardHeader | undefined> {
  const valid = opened.flatMap((o) => (o.state === "open" ? [o.header] : []));
  const [first] = valid;
  if (!first || valid.every((h) => !disagreement(h, first))) return first;
  return (await voteVersionHeader(v, fs.plan.segmentSize, options))?.header;
}

/** Opens a shard and reads its header; "bad" when it cannot be read or the header is invalid. */
async function openShard(
  obj: FsObject,
  want: { index: number; vid: number; k: number; m: number },
  options: CallOptions | undefined,
  account: (body: Body) => Body,
): Promise<Opened> {
  const bad = (reason: string): Opened => ({ index: want.index, state: "bad", obj, reason });
  let reader: ByteReader;
  try {
    reader = new ByteReader(account(await obj.open({ signal: options?.signal })));
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return { index: want.index, state: "missing" };
    return bad(`cannot be read: ${(err as Error).message}`);
  }
  try {
    const headerBytes = Buffer.from(await reader.read(HEADER_SIZE));
    const header = headerFor(headerBytes, want);
    if (typeof header === "string") {
      await reader.close();
      return bad(header);
    }
    return { index: want.index, state: "open", obj, reader, headerBytes, header };
  } catch (err) {
    await reader.close().catch(() => undefined);
    return bad(`cannot be read: ${(err as Error).message}`);
  }
}

/** Reads a shard's pieces and trailer to its end, noting every problem. */
async function scanShard(o: Extract<Opened, { state: "open" }>, layout: Layout, size: number): Promise<Scanned> {
  const out: Scanned = {
    index: o.index,
    state: "bad",
    obj: o.obj,
    reason: "",
    header: o.header,
    badSegments: [],
    problems: [],
  };
  // The segment being read, so a read that fails says from where on the pieces are missing.
  let j = 0;
  try {
    for (; j < layout.segments; j++) {
      const length = layout.pieceLength(j);
      const bytes = await o.reader.read(length + CHECKSUM_SIZE);
      if (bytes.length < length + CHECKSUM_SIZE) {
        out.cutAt = j;
        out.problems.push(`truncated at segment ${j}`);
        break;
      }
      if (!pieceChecksum(bytes.subarray(0, length), j, o.index).equals(bytes.subarray(length))) {
        out.badSegments.push(j);
      }
    }
    if (out.badSegments.length === 1) out.problems.unshift(`piece of segment ${out.badSegments[0]} fails its checksum`);
    if (out.badSegments.length > 1) {
      out.problems.unshift(`pieces of segments ${out.badSegments.join(", ")} fail their checksums`);
    }
    if (out.cutAt !== undefined) return out;
    j = layout.segments;
    const trailerBytes = await o.reader.read(TRAILER_SIZE);
    if (trailerBytes.length < TRAILER_SIZE) {
      out.problems.push("truncated in the trailer");
      return out;
    }
    const trailer = decodeTrailer(trailerBytes, o.headerBytes);
    if (typeof trailer === "string") out.problems.push(trailer);
    else if (trailer.size !== size || trailer.segments !== layout.segments) {
      out.problems.push(`trailer says ${trailer.size} bytes in ${trailer.segments} segments, the name ${size}`);
    } else out.trailer = trailer;
    if ((await o.reader.read(1)).length > 0) out.problems.push("bytes after the trailer");
  } catch (err) {
    out.problems.push(`cannot be read: ${(err as Error).message}`);
    if (j < layout.segments) out.cutAt = j;
  } finally {
    await o.reader.close().catch(() => undefined);
  }
  return out;
}

/**
 * Why a file with these shards cannot be read, or undefined when every segment has k good pieces.
 * A shard counts for a segment when its header is good, its piece there passed and it did not end
 * (or fail to read) before it.
 */
function shortOfPieces(shards: ShardCheck[], segments: number, k: number): string | undefined {
  const usable = shards.filter((c) => c.state === "ok" || (c.state === "bad" && c.header));
  if (usable.length < k) return `only ${usable.length} shards with a good header, ${k} needed`;
  // Only segments where some shard lost its piece can fall short; checking those is enough.
  const suspects = new Set<number>();
  for (const c of usable) {
    if (c.state !== "bad") continue;
    for (const j of c.badSegments) suspects.add(j);
    if (c.cutAt !== undefined && c.cutAt < segments) suspects.add(c.cutAt);
  }
  const lost = usable.map((c) =>
    c.state === "bad" ? { bad: new Set(c.badSegments), cutAt: c.cutAt ?? segments } : undefined,
  );
  for (const j of [...suspects].sort((a, b) => a - b)) {
    const good = lost.filter((l) => !l || (!l.bad.has(j) && l.cutAt > j)).length;
    if (good < k) return `only ${good} good pieces of segment ${j}, ${k} needed`;
  }
  return undefined;
}

/** Each shard of `check` that is not whole, named by upstream and object, with what is wrong. */
export function shardProblems(check: FileCheck): string[] {
  return check.shards.flatMap((c) =>
    c.state === "ok"
      ? []
      : [c.state === "missing" ? `shard ${c.index} missing` : `${describeShard(c.index, c.obj)}: ${c.reason}`],
  );
}

export interface VerifyReport {
  /** The configuration's k and k + m (each file is checked against its own). */
  k: number;
  n: number;
  upstreams: UpstreamTally[];
  files: number;
  /** Files with fewer than n healthy shards (unreadable ones included). */
  degraded: string[];
  /** Files with a segment short of k good pieces: they cannot be read or rebuilt. */
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
      if (check.healthy < check.k + check.m) report.degraded.push(check.remote);
      if (!check.readable) report.unreadable.push(check.remote);
      options.onFile?.(check);
    }
  }
  return report;
}

/**
 * The error a verify run ends with: `Corrupt` naming the files that cannot be read, else
 * `Differences` (exit code 1, as rclone's check) when some have fewer than their k + m healthy
 * shards, else none.
 */
export function verifyProblem(report: VerifyReport): FsError | undefined {
  if (report.unreadable.length > 0) {
    const [first, ...rest] = report.unreadable as [string, ...string[]];
    const others = rest.length > 0 ? ` (and ${rest.join(", ")})` : "";
    return new FsError("Corrupt", `a segment has fewer than ${report.k} good pieces, cannot be read${others}`, {
      path: first,
    });
  }
  if (report.degraded.length > 0) {
    return new FsError("Differences", `${report.degraded.length} file(s) with fewer than ${report.n} healthy shards`);
  }
  return undefined;
}
