/**
 * Reading one file: stream the pieces of the segments a range touches from k shards (data shards
 * first, so no decoding is needed while they verify), plus `download_extra` more, and use the first
 * k pieces of each segment that pass their checksums (Storj's long-tail download). A shard that
 * fails, lags a whole segment behind, or returns a bad piece is dropped and another one opened.
 */
import { ByteReader } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { Body, CallOptions, FsObject } from "../../fs/types.js";
import { CHECKSUM_SIZE, decodeHeader, HEADER_SIZE, Layout, pieceChecksum } from "./format.js";
import type { ReedSolomon } from "./rs/index.js";

/** What a read needs to know about the file's version. */
export interface StoredVersion {
  remote: string;
  size: number;
  vid: number;
  k: number;
  m: number;
  segmentSize: number;
  /** Shard objects by index; undefined where missing. */
  shards: readonly (FsObject | undefined)[];
}

/** An open shard stream positioned at a segment. */
interface ShardStream {
  index: number;
  reader: ByteReader;
  /** The next segment this stream will deliver. */
  next: number;
}

/** The file was written with another segment size than the reader assumed (the option changed). */
export class SegmentSizeDiffers extends Error {
  constructor(readonly segmentSize: number) {
    super(`written with segment size ${segmentSize}`);
  }
}

export class SegmentReader {
  private readonly layout: Layout;
  private readonly streams = new Map<number, ShardStream>();
  /** Shards that failed (unreadable, bad header, bad piece): never asked again. */
  private readonly failed = new Set<number>();
  /** Shards that were too slow for a segment: asked again only when nothing else is left. */
  private readonly lagging = new Set<number>();
  private readonly failures: string[] = [];
  private closed = false;

  constructor(
    private readonly v: StoredVersion,
    private readonly rs: ReedSolomon,
    private readonly extra: number,
    private readonly options?: CallOptions,
  ) {
    this.layout = new Layout(v.size, v.k, v.segmentSize);
  }

  /** The plaintext bytes `[start, end)`, segment by segment. */
  async *read(start: number, end: number): Body {
    if (end <= start) return;
    const first = Math.floor(start / this.v.segmentSize);
    const last = Math.floor((end - 1) / this.v.segmentSize);
    try {
      for (let j = first; j <= last; j++) {
        this.options?.signal?.throwIfAborted();
        const segment = await this.segment(j, last);
        const base = j * this.v.segmentSize;
        const from = Math.max(start - base, 0);
        const to = Math.min(end - base, segment.length);
        yield segment.subarray(from, to);
      }
    } finally {
      this.closed = true;
      await Promise.allSettled([...this.streams.values()].map((s) => s.reader.close()));
    }
  }

  /**
   * One segment's plaintext from the first k good pieces. Asks k + download_extra shards at once
   * (open streams first, then data shards, then parity); each failure brings in another shard.
   */
  private async segment(j: number, last: number): Promise<Uint8Array> {
    const { k } = this.v;
    const pieces = new Map<number, Uint8Array>();
    const inflight = new Map<number, Promise<{ index: number; piece: Uint8Array | undefined }>>();
    const launch = (index: number) =>
      inflight.set(
        index,
        this.fetch(index, j, last).then((piece) => ({ index, piece })),
      );
    for (const s of [...this.streams.values()]) {
      if (s.next === j) launch(s.index);
      else this.drop(s.index, true);
    }
    for (;;) {
      for (const index of this.candidates(inflight, pieces)) {
        if (pieces.size + inflight.size >= k + this.extra) break;
        launch(index);
      }
      if (pieces.size + inflight.size < k && inflight.size === 0) throw this.notEnough(j);
      const { index, piece } = await Promise.race(inflight.values());
      inflight.delete(index);
      if (piece) pieces.set(index, piece);
      if (pieces.size >= k) break;
    }
    // Shards still reading this segment lag behind: they are dropped at the next one.
    for (const index of inflight.keys()) this.lagging.add(index);
    return this.assemble(j, pieces);
  }

  /** Shards to ask next: data before parity, lagging ones last, failed or busy ones never. */
  private candidates(busy: Map<number, unknown>, done: Map<number, unknown>): number[] {
    const free = this.v.shards
      .map((obj, index) => (obj ? index : -1))
      .filter((i) => i >= 0 && !this.failed.has(i) && !busy.has(i) && !done.has(i));
    return [...free.filter((i) => !this.lagging.has(i)), ...free.filter((i) => this.lagging.has(i))];
  }

  /** Segment `j`'s verified piece from shard `index`, opening the shard if needed. */
  private async fetch(index: number, j: number, last: number): Promise<Uint8Array | undefined> {
    let s = this.streams.get(index);
    if (!s) {
      s = await this.open(index, j, last);
      if (!s) return undefined;
    }
    const length = this.layout.pieceLength(j);
    try {
      const bytes = await s.reader.read(length + CHECKSUM_SIZE);
      if (this.streams.get(index) !== s) return undefined;
      s.next = j + 1;
      this.lagging.delete(index);
      if (bytes.length < length + CHECKSUM_SIZE) return this.bad(index, `shard ${index} is truncated`);
      const piece = bytes.subarray(0, length);
      if (!pieceChecksum(piece, j, index).equals(bytes.subarray(length))) {
        return this.bad(index, `shard ${index} failed its checksum at segment ${j}`);
      }
      return piece;
    } catch (err) {
      if (err instanceof SegmentSizeDiffers) throw err;
      return this.bad(index, `shard ${index}: ${(err as Error).message}`);
    }
  }

  private bad(index: number, why: string): undefined {
    this.failures.push(`${this.v.shards[index]?.fs ?? `shard ${index}`}: ${why}`);
    log.notice(this.v.remote, why);
    this.failed.add(index);
    this.drop(index, false);
    return undefined;
  }

  private drop(index: number, lagged: boolean): void {
    const s = this.streams.get(index);
    if (!s) return;
    this.streams.delete(index);
    if (lagged) this.lagging.add(index);
    void s.reader.close().catch(() => undefined);
  }

  /** Opens shard `index` at segment `j`, checking its header; undefined (and marked failed) if it cannot. */
  private async open(index: number, j: number, last: number): Promise<ShardStream | undefined> {
    const obj = this.v.shards[index] as FsObject;
    const from = this.layout.pieceOffset(j);
    const to = this.layout.pieceOffset(last) + this.layout.pieceLength(last) + CHECKSUM_SIZE;
    let reader: ByteReader | undefined;
    try {
      let header: Uint8Array;
      if (j === 0) {
        reader = new ByteReader(await obj.open({ ...this.options, offset: 0, length: to }));
        header = await reader.read(HEADER_SIZE);
      } else {
        const [h, body] = await Promise.all([
          obj
            .open({ ...this.options, offset: 0, length: HEADER_SIZE })
            .then((b) => new ByteReader(b).read(HEADER_SIZE)),
          obj.open({ ...this.options, offset: from, length: to - from }),
        ]);
        header = h;
        reader = new ByteReader(body);
      }
      const why = this.checkHeader(header, index);
      if (why || this.closed) {
        await reader.close();
        return why ? this.bad(index, why) : undefined;
      }
      const s = { index, reader, next: j };
      this.streams.set(index, s);
      return s;
    } catch (err) {
      await reader?.close().catch(() => undefined);
      if (err instanceof SegmentSizeDiffers) throw err;
      return this.bad(index, `shard ${index} cannot be read: ${(err as Error).message}`);
    }
  }

  /** Why a shard's header does not belong to this version, or undefined when it does. */
  private checkHeader(bytes: Uint8Array, index: number): string | undefined {
    const h = decodeHeader(bytes);
    if (typeof h === "string") return `shard ${index}: ${h}`;
    if (h.index !== index || h.k !== this.v.k || h.m !== this.v.m || h.vid !== this.v.vid) {
      return `shard ${index}: header does not match its name`;
    }
    if (h.segmentSize !== this.v.segmentSize) throw new SegmentSizeDiffers(h.segmentSize);
    return undefined;
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

  private notEnough(j: number): FsError {
    return new FsError(
      "Corrupt",
      `fewer than ${this.v.k} good shards for segment ${j}` +
        (this.failures.length ? ` (${this.failures.join("; ")})` : " (too many shards missing)"),
      { path: this.v.remote },
    );
  }
}
