/** Helpers for `Body` streams (`AsyncIterable<Uint8Array>`). */
import type { Body, OpenOptions } from "./types.js";

/** A body yielding `bytes` (in slices of at most `chunk` bytes). */
export async function* fromBytes(bytes: Uint8Array, chunk = 1 << 20): Body {
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, Math.min(i + chunk, bytes.length));
}

/** Collects a whole body. For tests, metadata objects and other small data only. */
export async function toBytes(body: Body): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of body) {
    parts.push(part);
    total += part.length;
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A resolved byte range: `start` inclusive, `end` exclusive, both within `[0, size]`. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Resolves open options against a known size. A range starting past the end is empty;
 * a negative offset or length is a caller bug and throws RangeError.
 */
export function resolveRange(options: OpenOptions | undefined, size: number): ByteRange {
  const offset = options?.offset ?? 0;
  const length = options?.length;
  if (offset < 0 || (length !== undefined && length < 0)) throw new RangeError(`bad range ${offset}+${length}`);
  const start = Math.min(offset, size);
  const end = length === undefined ? size : Math.min(size, offset + length);
  return { start, end: Math.max(start, end) };
}

/** Skips `skip` bytes of `body`, then yields at most `limit` bytes (all of the rest if undefined). */
export async function* sliceBody(body: Body, skip: number, limit?: number): Body {
  let left = limit ?? Number.POSITIVE_INFINITY;
  if (left <= 0) return;
  for await (let part of body) {
    if (skip > 0) {
      if (part.length <= skip) {
        skip -= part.length;
        continue;
      }
      part = part.subarray(skip);
      skip = 0;
    }
    if (part.length >= left) {
      yield part.subarray(0, left);
      return;
    }
    left -= part.length;
    yield part;
  }
}

/**
 * Runs `onChunk` on every chunk as it passes (hashing, counting) and `onEnd` after the last one;
 * when `onChunk` returns a promise, the stream waits for it (back-pressure from a slow observer).
 */
export async function* tapBody(
  body: Body,
  onChunk: (part: Uint8Array) => Promise<void> | undefined | void,
  onEnd?: () => void,
): Body {
  for await (const part of body) {
    const wait = onChunk(part);
    if (wait) await wait;
    yield part;
  }
  onEnd?.();
}

/**
 * Reads up to `depth` chunks ahead of the consumer, so the producer's I/O (a disk read, a download)
 * overlaps the consumer's (a write, an upload). Memory: at most `depth` chunks.
 */
export async function* prefetch(body: Body, depth = 4): Body {
  const it = body[Symbol.asyncIterator]();
  const ahead: Promise<IteratorResult<Uint8Array>>[] = [];
  const pull = () => {
    const next = it.next();
    // Awaited in order below; this only stops an early rejection being reported as unhandled.
    next.catch(() => undefined);
    ahead.push(next);
  };
  try {
    for (let i = 0; i < depth; i++) pull();
    for (;;) {
      const r = await (ahead.shift() as Promise<IteratorResult<Uint8Array>>);
      if (r.done) return;
      pull();
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

/**
 * Cuts a body into pieces of exactly `size` bytes, the last one shorter (none for an empty body),
 * copying only a piece that spans input chunks. Memory: one piece.
 */
export async function* blocks(body: Body, size: number): AsyncGenerator<Uint8Array> {
  let pending: Uint8Array | undefined;
  let filled = 0;
  for await (let part of body) {
    if (pending) {
      const n = Math.min(size - filled, part.length);
      pending.set(part.subarray(0, n), filled);
      filled += n;
      part = part.subarray(n);
      if (filled < size) continue;
      yield pending;
      pending = undefined;
    }
    while (part.length >= size) {
      yield part.subarray(0, size);
      part = part.subarray(size);
    }
    if (part.length > 0) {
      pending = new Uint8Array(size);
      pending.set(part);
      filled = part.length;
    }
  }
  if (pending) yield pending.subarray(0, filled);
}

/** Whether two byte arrays hold the same bytes (keys, digests, small objects). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Compares two bodies byte for byte without holding either whole; both are read to the first difference. */
export async function sameBody(a: Body, b: Body): Promise<boolean> {
  const other = new ByteReader(b);
  try {
    for await (let chunk of a) {
      while (chunk.length > 0) {
        const piece = await other.next(chunk.length);
        if (piece === undefined || !sameBytes(piece, chunk.subarray(0, piece.length))) return false;
        chunk = chunk.subarray(piece.length);
      }
    }
    return await other.atEnd();
  } finally {
    await other.close();
  }
}

/**
 * Reads a body in exact amounts: `read(n)` returns the next `n` bytes (fewer only at the end), for
 * formats made of fixed-size records (erasure pieces, headers); `next(max)` the next bytes as they
 * come, to split a body without copying. Buffers at most one source chunk.
 */
export class ByteReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private rest: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(body: Body) {
    this.it = body[Symbol.asyncIterator]();
  }

  async read(n: number): Promise<Uint8Array> {
    if (this.rest.length >= n) return this.take(n);
    const out = new Uint8Array(n);
    let at = 0;
    while (at < n) {
      if (this.rest.length === 0) {
        if (this.ended) return out.subarray(0, at);
        const r = await this.it.next();
        if (r.done) {
          this.ended = true;
          continue;
        }
        this.rest = r.value;
      }
      const part = this.take(Math.min(n - at, this.rest.length));
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** The next bytes as they come, at most `max` of them (a view, not a copy); undefined at the end. */
  async next(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | undefined> {
    if (await this.atEnd()) return undefined;
    return this.take(Math.min(max, this.rest.length));
  }

  /** Whether the body has no bytes left (reads one chunk ahead to tell; empty chunks are skipped). */
  async atEnd(): Promise<boolean> {
    while (this.rest.length === 0) {
      if (this.ended) return true;
      const r = await this.it.next();
      if (r.done) this.ended = true;
      else this.rest = r.value;
    }
    return false;
  }

  /** Stops the underlying body (closing its connection or file). */
  async close(): Promise<void> {
    this.ended = true;
    this.rest = new Uint8Array(0);
    await this.it.return?.();
  }

  private take(n: number): Uint8Array {
    const part = this.rest.subarray(0, n);
    this.rest = this.rest.subarray(n);
    return part;
  }
}
