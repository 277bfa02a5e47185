/**
 * `erasure status`: how healthy each file of an erasure tree is, judged shard by shard from its
 * header (a 64-byte ranged read: valid, belonging to that shard, of that version's k and m,
 * agreeing with its siblings) and its size (what its version's shards must measure), or from its
 * whole content with `verify`; and per upstream whether it answers listings and takes writes.
 */
import PQueue from "p-queue";
import { fromBytes } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import type { CallOptions, Fs } from "../../fs/types.js";
import { disagreement, voteHeaders } from "./consensus.js";
import { readHead } from "./ends.js";
import { headerFor, Layout, type ShardHeader } from "./format.js";
import type { ErasureFs } from "./fs.js";
import {
  newTallies,
  presentShards,
  type ScannedFile,
  type ScanOptions,
  type StoredFile,
  scanShards,
  type UpstreamTally,
} from "./scan.js";
import { type FileCheck, verifyFile } from "./verify.js";

/** Every state a file can be in, best first. */
export const FILE_STATES = ["healthy", "degraded", "at_risk", "unreadable"] as const;

/**
 * `healthy`: all k + m shards good; `degraded`: fewer, but more than k (it reads, and a rebuild
 * restores the rest); `at_risk`: exactly k good (or, verified, at most k yet every segment has
 * k good pieces), so one more loss and it is gone; `unreadable`: fewer than k.
 */
export type FileState = (typeof FILE_STATES)[number];

/** One shard of a file as status judged it. */
export interface ShardStatus {
  index: number;
  /** The upstream holding it (its position in `remotes`); -1 when none lists it. */
  upstream: number;
  state: "ok" | "missing" | "bad";
  /** Why a bad shard is bad. */
  reason?: string;
}

/** One file: its current version (its newest, when no version has k shards listed). */
export interface FileStatus {
  remote: string;
  size: number;
  /** The version's own data and parity shard counts; n = k + m. */
  k: number;
  n: number;
  /** Shards listed. */
  present: number;
  /** Shards judged good: by header and size, or with `verify` by content. */
  good: number;
  state: FileState;
  shards: ShardStatus[];
}

/** An upstream as status found it. */
export interface UpstreamStatus extends UpstreamTally {
  /** Whether a probe object could be written and removed; null when not probed. */
  writable: boolean | null;
  /** Why the probe failed. */
  writeError?: string;
  /** Shard reads (headers, or content with `verify`) that failed with an error other than not found. */
  readErrors: number;
}

export interface StatusReport {
  /** The configuration's k and k + m (each file's own are in its `FileStatus`). */
  k: number;
  n: number;
  /** Whether files were judged by reading their content (`verify`) rather than headers and sizes. */
  verified: boolean;
  upstreams: UpstreamStatus[];
  files: number;
  healthy: number;
  degraded: number;
  atRisk: number;
  unreadable: number;
}

export interface StatusOptions extends ScanOptions {
  /** Reads in flight at once: header reads, or whole files with `verify` (default 8, rclone's --checkers). */
  checkers?: number;
  /** Judge files by reading every shard to its end (verify.ts) instead of headers and sizes. */
  verify?: boolean;
  /** Write and remove a probe object on each upstream to tell whether it takes writes. */
  probe?: boolean;
  onFile?: (f: FileStatus) => void;
}

const REPORT_KEY: Record<FileState, "healthy" | "degraded" | "atRisk" | "unreadable"> = {
  healthy: "healthy",
  degraded: "degraded",
  at_risk: "atRisk",
  unreadable: "unreadable",
};

/** The state of a file with `good` good shards of n, k needed; `readable` overrides `good >= k` (verify's per-segment answer). */
export function stateOf(good: number, k: number, n: number, readable = good >= k): FileState {
  if (!readable) return "unreadable";
  if (good >= n) return "healthy";
  return good > k ? "degraded" : "at_risk";
}

/**
 * Scans the tree under `options.dir` (or one file), judges every file and tallies it; `onFile`
 * sees each file in walk order. Throws `DirNotFound` when no upstream has the directory, and a
 * listing error when no upstream answers.
 */
export async function erasureStatus(fs: ErasureFs, options: StatusOptions = {}): Promise<StatusReport> {
  const { k, m } = fs.plan;
  const upstreams: UpstreamStatus[] = newTallies(fs).map((t) => ({ ...t, writable: null, readErrors: 0 }));
  const report: StatusReport = {
    k,
    n: k + m,
    verified: options.verify === true,
    upstreams,
    files: 0,
    healthy: 0,
    degraded: 0,
    atRisk: 0,
    unreadable: 0,
  };
  const probes = options.probe ? probeAll(fs, upstreams, options) : undefined;
  const limit = new PQueue({ concurrency: options.checkers ?? 8 });
  const judge: Judge = {
    limit,
    signal: options.signal,
    onReadError: (upstream) => {
      const u = upstreams[upstream];
      if (u) u.readErrors++;
    },
  };
  for await (const dir of scanShards(fs, upstreams, options)) {
    const judged = dir.files.map((file) =>
      options.verify ? verifiedStatus(fs, file, judge, options) : fileStatus(fs, file, judge),
    );
    // Awaited in order below; one failing (a cancelled run) must not leave the others unhandled.
    for (const p of judged) p.catch(() => undefined);
    for (const pending of judged) {
      const status = await pending;
      report.files++;
      report[REPORT_KEY[status.state]]++;
      options.onFile?.(status);
    }
  }
  await probes;
  return report;
}

/** Shared by the judgements of one run: the bound on reads in flight, and where read errors go. */
export interface Judge extends CallOptions {
  limit: PQueue;
  /** Called with the upstream of each shard read that failed with an error other than not found. */
  onReadError?: (upstream: number, err: unknown) => void;
}

/** The version status judges: the current one, else the newest (which cannot be read). */
export function judgedVersion(file: ScannedFile): StoredFile {
  return file.current ?? (file.versions[0] as StoredFile);
}

/**
 * Judges a file's current version by its shards' headers and sizes: a shard is good when its
 * header is valid, belongs to it (index, version, k and m), agrees with most of its siblings' on
 * segment size and modtime, and its object has the size that segment size gives.
 */
export async function fileStatus(fs: ErasureFs, file: ScannedFile, judge: Judge): Promise<FileStatus> {
  const v = judgedVersion(file);
  const heads = await Promise.all(
    v.shards.map(async (obj, index): Promise<ShardHeader | string | undefined> => {
      if (!obj) return undefined;
      try {
        const head = await judge.limit.add(() => readHead(obj, judge));
        return headerFor(head, { index, vid: v.vid, k: v.k, m: v.m });
      } catch (err) {
        if (isFsError(err, "ObjectNotFound")) return undefined;
        judge.onReadError?.(v.homes[index] as number, err);
        return `cannot be read: ${(err as Error).message}`;
      }
    }),
  );
  const winner = voteHeaders(
    heads.map((h) => (typeof h === "object" ? h : undefined)),
    fs.plan.segmentSize,
  );
  const expected = winner && new Layout(v.size, v.k, winner.segmentSize).shardObjectSize;
  const shards = heads.map((h, index): ShardStatus => {
    const upstream = v.homes[index] as number;
    if (h === undefined) return { index, upstream: -1, state: "missing" };
    const reason =
      typeof h === "string"
        ? h
        : (disagreement(h, winner as ShardHeader) ??
          (v.shards[index]?.size !== expected ? `size ${v.shards[index]?.size}, should be ${expected}` : undefined));
    return reason ? { index, upstream, state: "bad", reason } : { index, upstream, state: "ok" };
  });
  const good = shards.filter((s) => s.state === "ok").length;
  // Without k shards of one version listed, the file does not list at all, whatever its headers say.
  const readable = file.current !== undefined && good >= v.k;
  return statusOf(v, shards, good, stateOf(good, v.k, v.k + v.m, readable));
}

/** Judges a file's current version by reading every shard to its end (`verifyFile`). */
async function verifiedStatus(
  fs: ErasureFs,
  file: ScannedFile,
  judge: Judge,
  options: StatusOptions,
): Promise<FileStatus> {
  const v = judgedVersion(file);
  const check = await judge.limit.add(() => verifyFile(fs, v, { signal: judge.signal, stats: options.stats }));
  for (const upstream of failedReads(check)) judge.onReadError?.(upstream, "cannot be read");
  const shards = check.shards.map((c): ShardStatus => {
    const upstream = v.homes[c.index] as number;
    if (c.state === "missing") return { index: c.index, upstream: -1, state: "missing" };
    return c.state === "ok"
      ? { index: c.index, upstream, state: "ok" }
      : { index: c.index, upstream, state: "bad", reason: c.reason };
  });
  const readable = file.current !== undefined && check.readable;
  return statusOf(v, shards, check.healthy, stateOf(check.healthy, v.k, v.k + v.m, readable));
}

/** The upstream of each shard of `check` that failed to read (an upstream's error, not bad bytes). */
export function failedReads(check: FileCheck): number[] {
  return check.shards.flatMap((c) =>
    c.state === "bad" && c.reason.includes("cannot be read") ? [check.homes[c.index] as number] : [],
  );
}

function statusOf(v: StoredFile, shards: ShardStatus[], good: number, state: FileState): FileStatus {
  return { remote: v.remote, size: v.size, k: v.k, n: v.k + v.m, present: presentShards(v), good, state, shards };
}

/** A name no erasure listing shows (not a shard name), unique to this probe. */
function probeName(): string {
  return `.strata-probe-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Writes a small object to `u`'s root and removes it; the error message when either fails. */
export async function probeWritable(u: Fs, options?: CallOptions): Promise<string | undefined> {
  const data = new TextEncoder().encode("strata erasure status write probe\n");
  try {
    const obj = await u.put(fromBytes(data), { remote: probeName(), size: data.length, modTime: new Date() }, options);
    await obj.remove(options);
    return undefined;
  } catch (err) {
    return (err as Error).message ?? String(err);
  }
}

async function probeAll(fs: ErasureFs, upstreams: UpstreamStatus[], options: CallOptions): Promise<void> {
  await Promise.all(
    fs.upstreams.map(async (u, index) => {
      const failed = await probeWritable(u, options);
      const t = upstreams[index] as UpstreamStatus;
      t.writable = failed === undefined;
      if (failed !== undefined) t.writeError = failed;
    }),
  );
}

/**
 * The error a status run ends with, as `verify`'s: `Corrupt` (exit 2) naming the first unreadable
 * file, else `Differences` (exit 1) when a file is below full health or an upstream did not answer
 * or take the probe, else none.
 */
export function statusProblem(report: StatusReport, firstUnreadable?: string): FsError | undefined {
  if (report.unreadable > 0) {
    return new FsError("Corrupt", `${report.unreadable} file(s) with fewer than k good shards, cannot be read`, {
      path: firstUnreadable,
    });
  }
  const below = report.degraded + report.atRisk;
  const down = report.upstreams.filter((u) => !u.reachable || u.writable === false).length;
  if (below === 0 && down === 0) return undefined;
  const parts = [
    below > 0 ? `${below} file(s) below full health` : "",
    down > 0 ? `${down} upstream(s) unreachable or not writable` : "",
  ];
  return new FsError("Differences", parts.filter(Boolean).join(", "));
}
