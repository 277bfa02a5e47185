/**
 * Writing one file: cut the body into segments, encode each into k data and m parity pieces, stream
 * every shard to its upstream under a temporary name, then rename the shards that finished.
 * Stragglers are cancelled once `optimal` shards keep up or are stored and the others' grace is
 * over (Storj's long-tail cancellation, tail.ts), and removed before the upload returns; the upload
 * fails unless `happy` shards are committed (Tahoe's shares.happy).
 */
import { ByteReader } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import { type AsyncMultiHasher, streamHashers } from "../../fs/hash-worker.js";
import type { HashType } from "../../fs/hashes.js";
import { moveFile } from "../../fs/operations/copy.js";
import { joinRemote } from "../../fs/path.js";
import type { Body, CallOptions, Fs, FsObject } from "../../fs/types.js";
import { encodeHeader, encodeTrailer, Layout, type ShardName, shardName, tempShardName } from "./format.js";
import type { ErasurePlan } from "./options.js";
import { segmentRecords } from "./pieces.js";
import type { ReedSolomon } from "./rs/index.js";
import { ShardSink } from "./sink.js";
import { graceMs, settlesWithin, stallBudgetMs } from "./tail.js";

export interface UploadRequest {
  body: Body;
  dir: string;
  name: string;
  /** -1 when unknown. */
  size: number;
  modTime: Date;
  vid: number;
  /** The upstream of each shard, by shard index (placement.ts). */
  homes: readonly number[];
  /**
   * A plaintext hash the caller computes over `body` while it is read (`ObjectInfo.hashedInFlight`),
   * with the digest it resolves to once the body is consumed: taken instead of hashing the same
   * bytes a second time.
   */
  inFlight?: { type: HashType; digest(): Promise<string | undefined> };
}

export interface Uploaded {
  size: number;
  md5: string;
  sha1: string;
  /** The committed shard objects, by shard index (undefined where a shard was not stored). */
  shards: (FsObject | undefined)[];
  /** The shards not stored (happy < n allowed it), and why. */
  notStored: { index: number; reason: string }[];
}

export class ShardUploader {
  constructor(
    private readonly plan: ErasurePlan,
    private readonly upstreams: readonly Fs[],
    private readonly rs: ReedSolomon,
  ) {}

  async upload(req: UploadRequest, options?: CallOptions): Promise<Uploaded> {
    const { k, m, segmentSize } = this.plan;
    const known = req.size >= 0;
    const tempOf = (index: number, size: number) =>
      joinRemote(req.dir, tempShardName({ name: req.name, size, vid: req.vid, k, m, index }));
    const layout = new Layout(Math.max(req.size, 0), k, segmentSize);
    const sinks = req.homes.map(
      (home, index) =>
        new ShardSink(
          index,
          this.upstreams[home] as Fs,
          tempOf(index, known ? req.size : 0),
          known ? layout.shardObjectSize : -1,
          req.modTime,
          options?.signal,
        ),
    );
    const hashes = this.hashers(req);
    const headers = sinks.map((s) =>
      encodeHeader({
        k,
        m,
        index: s.index,
        segmentSize,
        modTimeNs: BigInt(req.modTime.getTime()) * 1_000_000n,
        vid: req.vid,
      }),
    );
    let size = 0;
    let segments = 0;
    const started = performance.now();
    const reader = new ByteReader(req.body);
    // One buffer for every segment: it is hashed (the hashers copy what they keep) and cut into
    // fresh records before the next segment is read into it.
    const buffer = Buffer.allocUnsafe(known ? Math.min(segmentSize, req.size) : segmentSize);
    try {
      for (const s of sinks) s.push(headers[s.index] as Buffer);
      for (;;) {
        options?.signal?.throwIfAborted();
        const want = known ? layout.segmentLength(segments) : segmentSize;
        if (known && segments >= layout.segments) break;
        const segment = await readInto(reader, buffer.subarray(0, want));
        if (segment.length === 0) break;
        if (known && segment.length < want) {
          throw new FsError("Corrupt", `size mismatch: expected ${req.size}, got ${size + segment.length}`);
        }
        await hashes.update(segment);
        this.sendSegment(segment, segments, sinks);
        size += segment.length;
        segments++;
        await this.keepUp(sinks, started);
        if (!known && segment.length < want) break;
      }
      if (known && (await reader.read(1)).length > 0) {
        throw new FsError("Corrupt", `size mismatch: body is larger than ${req.size}`);
      }
      const [md5, sha1] = (await hashes.digests()) as [string, string];
      for (const s of sinks) {
        s.push(encodeTrailer({ size, segments, md5, sha1 }, headers[s.index] as Buffer));
        s.close();
      }
      const temps = await this.finish(sinks, started);
      const { shards, failures } = await this.commit(temps, req, size, options);
      const notStored = shards.flatMap((obj, index) =>
        obj ? [] : [{ index, reason: messageOf(failures[index] ?? sinks[index]?.failure) }],
      );
      return { size, md5, sha1, shards, notStored };
    } catch (err) {
      // Each cancelled put removes what it wrote, and is waited for so nothing is left behind. The
      // body is closed too: a source left open would keep its file or connection until collected.
      for (const s of sinks) s.cancel(err);
      await Promise.allSettled([hashes.digests(), reader.close(), ...sinks.map((s) => s.settled)]);
      throw err;
    }
  }

  /**
   * The plaintext's md5 and sha1, computed in one pass, but for the one the caller hashes in flight
   * (taken from it instead of hashing the same bytes a second time).
   */
  private hashers(req: UploadRequest): AsyncMultiHasher {
    const adopted = req.inFlight;
    const own = (["md5", "sha1"] as const).filter((t) => t !== adopted?.type);
    const computed = streamHashers(own, req.size);
    return {
      update: (data) => computed.update(data),
      async digests() {
        const digests = await computed.digests();
        const taken = adopted && (await adopted.digest());
        if (adopted && !taken) throw new FsError("Other", `the ${adopted.type} computed in flight was not available`);
        return (["md5", "sha1"] as const).map((t) =>
          t === adopted?.type ? (taken as string).toLowerCase() : (digests[own.indexOf(t)] as string),
        );
      },
    };
  }

  /** Encodes one segment and queues each live shard's piece and checksum. */
  private sendSegment(segment: Uint8Array, j: number, sinks: ShardSink[]): void {
    const live = sinks.filter((s) => !s.failed);
    const { k, m } = this.plan;
    const records = segmentRecords(
      segment,
      j,
      k,
      m,
      this.rs,
      live.map((s) => s.index),
    );
    for (const s of live) s.push(records.get(s.index) as Uint8Array);
  }

  /**
   * Waits until the shards keep up. While fewer than `optimal` have room it waits for them; once
   * `optimal` have room, a shard whose queue is still full may hold the encoder up only within its
   * stall allowance (`stallBudgetMs`, tail.ts), counted over the whole upload, and is then
   * cancelled: a slow remote never sets the pace, and one a few ms behind is never cut off. Fails
   * early when fewer than `happy` shards are left.
   */
  private async keepUp(sinks: ShardSink[], started: number): Promise<void> {
    for (;;) {
      const alive = sinks.filter((s) => !s.failed);
      if (alive.length < this.plan.happy) throw this.tooFew(sinks);
      const waiting = alive.filter((s) => !s.ready);
      if (waiting.length === 0) return;
      const room = Promise.race(waiting.map((s) => s.whenReady()));
      if (alive.length - waiting.length < this.plan.optimal) {
        await room;
        continue;
      }
      const from = performance.now();
      const budget = Math.min(...waiting.map((s) => stallBudgetMs(from - started, s.stalledMs)));
      const roomInTime = await settlesWithin(room, budget);
      const now = performance.now();
      for (const s of waiting) s.stalledMs += now - from;
      if (roomInTime) continue;
      for (const s of waiting) {
        if (!s.ready && stallBudgetMs(now - started, s.stalledMs) <= 0) {
          s.cancel(new FsError("Transient", "cancelled: slower than the other shards"));
        }
      }
    }
  }

  /**
   * Waits for the puts. Once `optimal` shards are stored, the others get a grace (`graceMs` of the
   * time taken so far, tail.ts) and those still writing then are cancelled; every cancelled put is
   * waited for until it has removed what it wrote, so nothing is left on the upstreams or running
   * when the upload returns. Fails (removing what was stored) below `happy`.
   */
  private async finish(sinks: ShardSink[], started: number): Promise<(FsObject | undefined)[]> {
    const stored: (FsObject | undefined)[] = sinks.map(() => undefined);
    const count = () => stored.filter(Boolean).length;
    const running = () => sinks.filter((s) => !s.finished && !s.cancelled);
    const enough = new Promise<void>((resolve) => {
      const settle = () => {
        if (count() >= this.plan.optimal || count() + running().length < this.plan.happy) resolve();
      };
      for (const s of sinks) {
        s.done.then((obj) => {
          if (!s.cancelled) stored[s.index] = obj;
          settle();
        }, settle);
      }
      settle();
    });
    const all = Promise.all(sinks.map((s) => s.settled));
    await Promise.race([enough, all]);
    if (count() >= this.plan.optimal && running().length > 0) {
      await settlesWithin(all, graceMs(performance.now() - started));
    }
    for (const s of running()) s.cancel(new FsError("Transient", "cancelled: enough shards stored"));
    await all;
    if (count() < this.plan.happy) {
      await Promise.allSettled(stored.map((o) => o?.remove()));
      throw this.tooFew(sinks);
    }
    return stored;
  }

  /**
   * Renames the temporary shards to their final names; fails (removing them) below `happy`.
   * Returns the committed shards and, by index, why a rename failed.
   */
  private async commit(
    temps: (FsObject | undefined)[],
    req: UploadRequest,
    size: number,
    options?: CallOptions,
  ): Promise<{ shards: (FsObject | undefined)[]; failures: unknown[] }> {
    const results = await Promise.allSettled(
      temps.map(async (obj, index) => {
        if (!obj) return undefined;
        const s: ShardName = { name: req.name, size, vid: req.vid, k: this.plan.k, m: this.plan.m, index };
        return rename(
          this.upstreams[req.homes[index] as number] as Fs,
          obj,
          joinRemote(req.dir, shardName(s)),
          options,
        );
      }),
    );
    const shards = results.map((r) => (r.status === "fulfilled" ? r.value : undefined));
    if (shards.filter(Boolean).length < this.plan.happy) {
      await Promise.allSettled([...shards, ...temps].map((o) => o?.remove()));
      const why = results.find((r) => r.status === "rejected") as PromiseRejectedResult | undefined;
      throw new FsError("Other", `could not commit ${this.plan.happy} shards: ${String(why?.reason)}`);
    }
    return { shards, failures: results.map((r) => (r.status === "rejected" ? r.reason : undefined)) };
  }

  private tooFew(sinks: ShardSink[]): FsError {
    const failures = sinks
      .filter((s) => s.failed)
      .map((s) => `${s.upstream}: ${(s.failure as Error)?.message ?? String(s.failure)}`);
    const transient = sinks.some((s) => isFsError(s.failure, "Transient"));
    return new FsError(
      transient ? "Transient" : "Other",
      `fewer than happy=${this.plan.happy} shards could be stored (${failures.join("; ")})`,
    );
  }
}

/** Fills `into` from `reader` (less only at the end of the body); returns the filled part. */
async function readInto(reader: ByteReader, into: Uint8Array): Promise<Uint8Array> {
  let filled = 0;
  while (filled < into.length) {
    const part = await reader.next(into.length - filled);
    if (part === undefined) break;
    into.set(part, filled);
    filled += part.length;
  }
  return into.subarray(0, filled);
}

/**
 * Stops a body that will not be read to its end, so its producer's `finally` runs (closing a file
 * or a connection). A body never started has opened nothing through its generator, and a finished
 * one has closed already; both take this as a no-op.
 */
export async function closeBody(body: Body): Promise<void> {
  await body[Symbol.asyncIterator]()
    .return?.()
    ?.catch(() => undefined);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err ?? "not stored");
}

/**
 * Moves an upstream object to a new name: server-side where the upstream can, else copied and
 * removed (shards carry their own checksums, so the copy is not hashed again).
 */
export function rename(fs: Fs, obj: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
  return moveFile(obj, fs, remote, { signal: options?.signal, noVerifyHash: true });
}
