/**
 * Reading one file: stream the pieces of the segments a range touches from k shards (data shards
 * first, so no decoding is needed while they verify), plus `download_extra` more, and build each
 * segment from the first k of *its* pieces that pass their checksums (Storj's long-tail download).
 * A piece that is late next to the others of its segment (tail.ts) brings in another shard for that
 * segment (a hedged read); the shard left behind is aborted once k pieces are in, so one slow
 * remote does not set the pace. A bad piece costs only that piece: its shard still serves the next
 * segments. A shard whose header is bad, that cannot be read or that ends early is dropped for the
 * rest of the read; one that lags a whole segment behind is asked again only when nothing else is left.
 */
import { ByteReader } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { Body, CallOptions, FsObject } from "../../fs/types.js";
import { type HeaderVote, readHead, voteVersionHeader } from "./ends.js";
import { CHECKSUM_SIZE, HEADER_SIZE, headerFor, Layout, pieceChecksum } from "./format.js";
import type { ReedSolomon } from "./rs/index.js";
import { hedgeDeadlineMs, settlesWithin } from "./tail.js";
import { closeBody } from "./upload.js";

/** What a read needs to know about the file's version. */
export interface StoredVersion {
  remote: string;
  size: number;
  vid: number;
  k: number;
  m: number;
  /** The segment size to assume until the shards' headers say otherwise. */
  segmentSize: number;
  /** Shard objects by index; undefined where missing. */
  shards: readonly (FsObject | undefined)[];
}

/** Names a shard in messages: its index, its upstream and its object there. */
export function describeShard(index: number, obj: FsObject | undefined): string {
  return obj ? `shard ${index} (${obj.fs}: ${obj.remote})` : `shard ${index}`;
}

/** An open shard stream positioned at a segment. */
interface ShardStream {
  index: number;
  reader: ByteReader;
  /** The next segment this stream will deliver. */
  next: number;
  /** Aborts the stream's request, so a stream given up stops at once, not at its next chunk. */
  abort: AbortController;
}

/** A piece asked of one shard for one segment: undefined when the shard had no good piece. */
interface Arrival {
  index: number;
  piece: Uint8Array | undefined;
}

/** Most shards' headers give another segment size than the one assumed: the read starts over with it. */
class OtherSegmentSize extends Error {
  constructor(readonly segmentSize: number) {
    super(`written with segment size ${segmentSize}`);
  }
}

export class SegmentReader {
  private layout: Layout;
  private readonly streams = new Map<number, ShardStream>();
  /** Shards unusable for the rest of the read (bad header, unreadable, cut short), with why. */
  private readonly failed = new Map<number, string>();
  /** Shards that were too slow for a segment: asked again only when nothing else is left. */
  private readonly lagging = new Set<number>();
  /** Bad pieces seen per shard: a shard that had one is asked after the others. */
  private readonly badCount = new Map<number, number>();
  /** Segments each shard was still reading when k pieces had arrived: it is asked after the others. */
  private readonly lateCount = new Map<number, number>();
  /** Shards being opened, so one given up is aborted before its stream exists. */
  private readonly opening = new Map<number, AbortController>();
  /** How long the pieces of the last segment took, for the first deadline of the next one. */
  private lastLatencies: number[] = [];
  /** The bad pieces of the segment being read, with why. */
  private badPieces: string[] = [];
  /** Every header, read once a shard disagrees with the assumed segment size. */
  private vote: Promise<HeaderVote | undefined> | undefined;
  /** Bumped when the read starts over, so calls still running for the previous attempt change nothing. */
  private epoch = 0;
  private yielded = false;
  private closed = false;

  constructor(
    private readonly v: StoredVersion,
    private readonly rs: ReedSolomon,
    private readonly extra: number,
    private readonly options?: CallOptions,
  ) {
    this.layout = new Layout(v.size, v.k, v.segmentSize);
  }

  /** The segment size the file is read with: the confirmed majority's, once a header disagreed with the one assumed. */
  get segmentSize(): number {
    return this.layout.segmentSize;
  }

  /**
   * The plaintext bytes `[start, end)`, segment by segment. Throws `Corrupt` naming the file, and
   * each bad or missing shard and piece, when fewer than k good pieces of a segment are left.
   */
  async *read(start: number, end: number): Body {
    if (end <= start) return;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          yield* this.segments(start, end);
          return;
        } catch (err) {
          if (!(err instanceof OtherSegmentSize)) throw err;
          // Headers are checked before a segment's bytes are returned, so a restart never repeats bytes.
          if (this.yielded || attempt > 0) {
            throw new FsError("Corrupt", `shards disagree on the segment size (${this.problems().join("; ")})`, {
              path: this.v.remote,
            });
          }
          this.restart(err.segmentSize);
        }
      }
    } finally {
      this.closed = true;
      for (const abort of this.opening.values()) abort.abort(new FsError("Transient", "read over"));
      await Promise.allSettled([...this.streams.values()].map((s) => this.stop(s)));
    }
  }

  private async *segments(start: number, end: number): Body {
    const size = this.layout.segmentSize;
    const first = Math.floor(start / size);
    const last = Math.floor((end - 1) / size);
    for (let j = first; j <= last; j++) {
      this.options?.signal?.throwIfAborted();
      const segment = await this.segment(j, last);
      const base = j * size;
      this.yielded = true;
      yield segment.subarray(Math.max(start - base, 0), Math.min(end - base, segment.length));
    }
  }

  private restart(segmentSize: number): void {
    this.epoch++;
    for (const s of this.streams.values()) void this.stop(s);
    this.streams.clear();
    this.failed.clear();
    this.lagging.clear();
    this.badCount.clear();
    this.lateCount.clear();
    this.layout = new Layout(this.v.size, this.v.k, segmentSize);
  }

  /**
   * One segment's plaintext from the first k good pieces. Asks k + download_extra shards at once
   * (open streams first, then data shards, then parity); each failure brings in another shard, and
   * so does each piece still missing when the others of the segment say it is late (a hedge).
   */
  private async segment(j: number, last: number): Promise<Uint8Array> {
    const { k } = this.v;
    const pieces = new Map<number, Uint8Array>();
    const asked = new Set<number>();
    const inflight = new Map<number, { since: number; arrival: Promise<Arrival> }>();
    /** In-flight pieces already declared late: each brings in one more shard, once. */
    const late = new Set<number>();
    const latencies: number[] = [];
    this.badPieces = [];
    const launch = (index: number) => {
      asked.add(index);
      const arrival = this.fetch(index, j, last).then((piece) => ({ index, piece }));
      inflight.set(index, { since: performance.now(), arrival });
    };
    const positioned: number[] = [];
    for (const s of [...this.streams.values()]) {
      if (s.next === j) positioned.push(s.index);
      else this.drop(s.index, true);
    }
    positioned.sort((a, b) => this.rank(a) - this.rank(b));
    const want = k + this.extra;
    for (const index of positioned.slice(0, want)) launch(index);
    for (const index of positioned.slice(want)) this.drop(index, false);
    for (;;) {
      for (const index of this.candidates(asked)) {
        if (pieces.size + inflight.size >= want + late.size) break;
        launch(index);
      }
      if (inflight.size === 0) {
        this.options?.signal?.throwIfAborted();
        throw this.notEnough(j);
      }
      const arrival = Promise.race([...inflight.values()].map((f) => f.arrival));
      const next = this.nextLate(inflight, late, latencies.length > 0 ? latencies : this.lastLatencies);
      if (next && !(await settlesWithin(arrival, next.inMs))) {
        late.add(next.index);
        continue;
      }
      const { index, piece } = await arrival;
      latencies.push(performance.now() - (inflight.get(index) as { since: number }).since);
      inflight.delete(index);
      late.delete(index);
      if (piece) pieces.set(index, piece);
      if (pieces.size >= k) break;
    }
    // Shards still reading this segment lag behind: those found late are given up now, the others
    // (download_extra) at the next segment unless they caught up.
    for (const index of inflight.keys()) {
      this.lagging.add(index);
      if (!late.has(index)) continue;
      this.lateCount.set(index, (this.lateCount.get(index) ?? 0) + 1);
      this.opening.get(index)?.abort(new FsError("Transient", "shard read given up: late"));
      this.drop(index, true);
    }
    this.lastLatencies = latencies;
    return this.assemble(j, pieces);
  }

  /**
   * The in-flight piece to be declared late first, and in how many ms, from how long the pieces
   * that arrived took (tail.ts); undefined when none can be (nothing to compare with, or every
   * piece in flight was declared late already).
   */
  private nextLate(
    inflight: Map<number, { since: number }>,
    late: Set<number>,
    latencies: readonly number[],
  ): { index: number; inMs: number } | undefined {
    const deadline = hedgeDeadlineMs(latencies);
    if (deadline === undefined) return undefined;
    let first: { index: number; inMs: number } | undefined;
    const now = performance.now();
    for (const [index, { since }] of inflight) {
      if (late.has(index)) continue;
      const inMs = Math.max(0, since + deadline - now);
      if (!first || inMs < first.inMs) first = { index, inMs };
    }
    return first;
  }

  /** Order of preference: shards without bad or late pieces first, then data shards before parity. */
  private rank(index: number): number {
    return ((this.badCount.get(index) ?? 0) + (this.lateCount.get(index) ?? 0)) * 256 + index;
  }

  /** Shards to ask next: lagging ones last, failed ones and those already asked for this segment never. */
  private candidates(asked: Set<number>): number[] {
    const free = this.v.shards
      .map((obj, index) => (obj ? index : -1))
      .filter((i) => i >= 0 && !this.failed.has(i) && !asked.has(i))
      .sort((a, b) => this.rank(a) - this.rank(b));
    return [...free.filter((i) => !this.lagging.has(i)), ...free.filter((i) => this.lagging.has(i))];
  }

  /** Segment `j`'s verified piece from shard `index`, opening the shard if needed; undefined when it has none. */
  private async fetch(index: number, j: number, last: number): Promise<Uint8Array | undefined> {
    const epoch = this.epoch;
    const s = this.streams.get(index) ?? (await this.open(index, j, last));
    if (!s) return undefined;
    const length = this.layout.pieceLength(j);
    let bytes: Uint8Array;
    try {
      bytes = await s.reader.read(length + CHECKSUM_SIZE);
    } catch (err) {
      if (this.stale(s, epoch)) return undefined;
      return this.fail(index, `cannot be read: ${messageOf(err)}`);
    }
    if (this.stale(s, epoch)) return undefined;
    s.next = j + 1;
    this.lagging.delete(index);
    if (bytes.length < length + CHECKSUM_SIZE) return this.fail(index, `cut short at segment ${j}`);
    const piece = bytes.subarray(0, length);
    if (!pieceChecksum(piece, j, index).equals(bytes.subarray(length))) {
      const problem = `${this.describe(index)}: piece of segment ${j} fails its checksum`;
      this.badPieces.push(problem);
      this.badCount.set(index, (this.badCount.get(index) ?? 0) + 1);
      log.notice(this.v.remote, problem);
      return undefined;
    }
    return piece;
  }

  /** Whether a result for stream `s` belongs to an attempt or a stream that was given up since. */
  private stale(s: ShardStream, epoch: number): boolean {
    return epoch !== this.epoch || this.streams.get(s.index) !== s;
  }

  private describe(index: number): string {
    return describeShard(index, this.v.shards[index]);
  }

  /** Marks shard `index` unusable for the rest of the read. */
  private fail(index: number, why: string): undefined {
    if (!this.failed.has(index)) {
      const problem = `${this.describe(index)}: ${why}`;
      this.failed.set(index, problem);
      log.notice(this.v.remote, problem);
    }
    this.drop(index, false);
    return undefined;
  }

  private drop(index: number, lagged: boolean): void {
    const s = this.streams.get(index);
    if (!s) return;
    this.streams.delete(index);
    if (lagged) this.lagging.add(index);
    void this.stop(s);
  }

  /** Aborts a stream's request and closes it. */
  private async stop(s: ShardStream): Promise<void> {
    s.abort.abort(new FsError("Transient", "shard read given up"));
    await s.reader.close().catch(() => undefined);
  }

  /** Opens shard `index` at segment `j`, checking its header; undefined (and marked failed) if it cannot. */
  private async open(index: number, j: number, last: number): Promise<ShardStream | undefined> {
    const epoch = this.epoch;
    const abort = new AbortController();
    const caller = this.options?.signal;
    const options = { ...this.options, signal: caller ? AbortSignal.any([caller, abort.signal]) : abort.signal };
    this.opening.set(index, abort);
    let opened: { reader: ByteReader; header: Uint8Array };
    try {
      opened = await this.openAt(this.v.shards[index] as FsObject, j, last, options);
    } catch (err) {
      const current = epoch === this.epoch && !this.closed && !abort.signal.aborted;
      return current ? this.fail(index, `cannot be read: ${messageOf(err)}`) : undefined;
    } finally {
      if (this.opening.get(index) === abort) this.opening.delete(index);
    }
    const { reader, header } = opened;
    let why: string | undefined;
    try {
      why = await this.checkHeader(header, index);
    } catch (err) {
      await reader.close().catch(() => undefined);
      throw err;
    }
    if (why || epoch !== this.epoch || this.closed || abort.signal.aborted) {
      await reader.close().catch(() => undefined);
      return why && epoch === this.epoch ? this.fail(index, why) : undefined;
    }
    const s = { index, reader, next: j, abort };
    this.streams.set(index, s);
    return s;
  }

  /**
   * A shard's header, and a stream of its pieces from segment `j` to `last`: one read from the
   * start for segment 0, else the header and the pieces apart. Closes what it opened when it throws.
   */
  private async openAt(
    obj: FsObject,
    j: number,
    last: number,
    options: CallOptions,
  ): Promise<{ reader: ByteReader; header: Uint8Array }> {
    const to = this.layout.pieceOffset(last) + this.layout.pieceLength(last) + CHECKSUM_SIZE;
    if (j === 0) {
      const reader = new ByteReader(await obj.open({ ...options, offset: 0, length: to }));
      try {
        return { reader, header: await reader.read(HEADER_SIZE) };
      } catch (err) {
        await reader.close().catch(() => undefined);
        throw err;
      }
    }
    const from = this.layout.pieceOffset(j);
    const [head, body] = await Promise.allSettled([
      readHead(obj, options),
      obj.open({ ...options, offset: from, length: to - from }),
    ]);
    if (head.status === "fulfilled" && body.status === "fulfilled") {
      return { reader: new ByteReader(body.value), header: head.value };
    }
    if (body.status === "fulfilled") await closeBody(body.value);
    throw (head.status === "rejected" ? head : (body as PromiseRejectedResult)).reason;
  }

  /**
   * Why shard `index`'s header does not belong to this version, or undefined when it does. A valid
   * header with another segment size than the one assumed calls a vote of all the headers: if the
   * winner, confirmed by a valid trailer, says another segment size, the read starts over with it
   * (`OtherSegmentSize`: the file was written with another `segment_size`); else this one is outvoted.
   * An unconfirmed majority never changes the segment size, as pieces read with the wrong one can
   * pass their checksums and still be cut in the wrong places.
   */
  private async checkHeader(bytes: Uint8Array, index: number): Promise<string | undefined> {
    const h = headerFor(bytes, { index, vid: this.v.vid, k: this.v.k, m: this.v.m });
    if (typeof h === "string") return h;
    if (h.segmentSize === this.layout.segmentSize) return undefined;
    const vote = await this.voteOnce();
    if (vote?.confirmed && vote.header.segmentSize !== this.layout.segmentSize) {
      throw new OtherSegmentSize(vote.header.segmentSize);
    }
    return `header says segment size ${h.segmentSize}, the other shards ${this.layout.segmentSize}`;
  }

  private voteOnce(): Promise<HeaderVote | undefined> {
    this.vote ??= voteVersionHeader(this.v, this.v.segmentSize, this.options);
    return this.vote;
  }

  /** Concatenates the data pieces, decoding the missing ones from parity first. */
  private assemble(j: number, pieces: Map<number, Uint8Array>): Uint8Array {
    const { k, m } = this.v;
    let data: Uint8Array[];
    if ([...Array(k).keys()].every((d) => pieces.has(d))) {
      data = [...Array(k).keys()].map((d) => pieces.get(d) as Uint8Array);
    } else {
      const shards = Array.from({ length: k + m }, (_, i) => pieces.get(i));
      data = this.rs.reconstruct(shards, { dataOnly: true }).slice(0, k);
    }
    const length = this.layout.segmentLength(j);
    if (k === 1) return (data[0] as Uint8Array).subarray(0, length);
    const out = new Uint8Array(length);
    let at = 0;
    for (const d of data) {
      const part = d.subarray(0, Math.min(d.length, length - at));
      out.set(part, at);
      at += part.length;
      if (at >= length) break;
    }
    return out;
  }

  /** Every problem met so far: shards given up, bad pieces of this segment, missing shards. */
  private problems(): string[] {
    const missing = this.v.shards.flatMap((obj, i) => (obj ? [] : [i]));
    const gone = missing.length === 0 ? [] : [`shard${missing.length > 1 ? "s" : ""} ${missing.join(", ")} missing`];
    return [...this.failed.values(), ...this.badPieces, ...gone];
  }

  private notEnough(j: number): FsError {
    return new FsError(
      "Corrupt",
      `fewer than ${this.v.k} good pieces for segment ${j} (${this.problems().join("; ")})`,
      { path: this.v.remote },
    );
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
