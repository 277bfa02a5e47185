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
  /** A read in flight (for a segment not yet needed, when it lagged). */
  pending?: Promise<Uint8Array | undefined>;
}

/** The file was written with another segment size than the reader assumed (the option changed). */
export class SegmentSizeDiffers extends Error {
  constructor(readonly segmentSize: number) {
    super(`written with segment size ${segmentSize}`);
  }
}

export class SegmentReader {
  private readonly layout: Layout;
  private readonly streams: ShardStream[] = [];
  private readonly tried = new Set<number>();
  private readonly failures: string[] = [];

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
      await Promise.allSettled(this.streams.map((s) => s.reader.close()));
    }
  }

  /** One segment's plaintext from the first k good pieces. */
  private async segment(j: number, last: number): Promise<Uint8Array> {
    const { k } = this.v;
    const pieces = new Map<number, Uint8Array>();
    for (;;) {
      await this.openStreams(j, last, k - pieces.size + this.extra);
      const live = this.streams.filter((s) => !pieces.has(s.index));
      if (pieces.size + live.length < k) throw this.notEnough(j);
      const results = live.map((s) => this.piece(s, j).then((piece) => ({ s, piece })));
      // Take pieces as they come; stop as soon as k verified ones are in.
      const outstanding = new Set(results);
      while (outstanding.size > 0 && pieces.size < k) {
        const done = await Promise.race([...outstanding].map((p) => p.then((r) => ({ p, r }))));
        outstanding.delete(done.p);
        const { s, piece } = done.r;
        if (piece) pieces.set(s.index, piece);
        else this.drop(s);
      }
      // Streams still reading this segment lag behind the others: keep them only if not needed later.
      for (const p of outstanding) {
        void p.then(({ s, piece }) => {
          if (!piece) this.drop(s);
        });
      }
      if (pieces.size >= k) return this.assemble(j, pieces);
    }
  }

  /** Reads segment `j`'s piece from a stream and verifies it; undefined if missing or bad. */
  private async piece(s: ShardStream, j: number): Promise<Uint8Array | undefined> {
    const length = this.layout.pieceLength(j);
    try {
      const bytes = await s.reader.read(length + CHECKSUM_SIZE);
      s.next = j + 1;
      if (bytes.length < length + CHECKSUM_SIZE) return this.bad(s, `shard ${s.index} is truncated`);
      const piece = bytes.subarray(0, length);
      if (!pieceChecksum(piece, j, s.index).equals(bytes.subarray(length))) {
        return this.bad(s, `shard ${s.index} failed its checksum at segment ${j}`);
      }
      return piece;
    } catch (err) {
      return this.bad(s, `shard ${s.index}: ${(err as Error).message}`);
    }
  }

  private bad(s: ShardStream, why: string): undefined {
    this.failures.push(`${this.v.shards[s.index]?.fs ?? `shard ${s.index}`}: ${why}`);
    log.notice(this.v.remote, why);
    this.drop(s);
    return undefined;
  }

  private drop(s: ShardStream): void {
    const i = this.streams.indexOf(s);
    if (i >= 0) this.streams.splice(i, 1);
    void s.reader.close().catch(() => undefined);
  }

  /** Opens more shard streams at segment `j` until `want` are live, data shards first. */
  private async openStreams(j: number, last: number, want: number): Promise<void> {
    // A stream behind segment j (it lagged) is dropped and reopened if still wanted.
    for (const s of [...this.streams]) if (s.next !== j) this.drop(s);
    const candidates = this.v.shards
      .map((obj, index) => ({ obj, index }))
      .filter((c) => c.obj && !this.tried.has(c.index));
    const opening: Promise<void>[] = [];
    for (const c of candidates) {
      if (this.streams.length + opening.length >= want) break;
      this.tried.add(c.index);
      opening.push(this.open(c.obj as FsObject, c.index, j, last));
    }
    await Promise.all(opening);
  }

  private async open(obj: FsObject, index: number, j: number, last: number): Promise<void> {
    const from = this.layout.pieceOffset(j);
    const to = this.layout.pieceOffset(last) + this.layout.pieceLength(last) + CHECKSUM_SIZE;
    try {
      if (j === 0) {
        const reader = new ByteReader(await obj.open({ ...this.options, offset: 0, length: to }));
        const why = this.checkHeader(await reader.read(HEADER_SIZE), index);
        if (why) {
          await reader.close();
          this.bad({ index, reader, next: j }, why);
          return;
        }
        this.streams.push({ index, reader, next: j });
        return;
      }
      const [header, body] = await Promise.all([
        obj.open({ ...this.options, offset: 0, length: HEADER_SIZE }).then((b) => new ByteReader(b).read(HEADER_SIZE)),
        obj.open({ ...this.options, offset: from, length: to - from }),
      ]);
      const reader = new ByteReader(body);
      const why = this.checkHeader(header, index);
      if (why) {
        await reader.close();
        this.bad({ index, reader, next: j }, why);
        return;
      }
      this.streams.push({ index, reader, next: j });
    } catch (err) {
      if (err instanceof SegmentSizeDiffers) throw err;
      this.failures.push(`${obj.fs}: ${(err as Error).message}`);
      log.notice(this.v.remote, `shard ${index} cannot be read: ${(err as Error).message}`);
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
