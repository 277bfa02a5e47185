/**
 * Block plumbing shared by the gzip and zstd codecs: cutting a body into fixed-size blocks, running
 * an async codec over several blocks at once while keeping their order, and reading exact lengths.
 * Pure: no Fs.
 */
import type { Body } from "../../fs/types.js";

/** A block of input and whether it is the last one. The last block may be empty; no other is. */
export interface Block {
  data: Uint8Array;
  index: number;
  last: boolean;
}

/**
 * Cuts `body` into blocks of exactly `size` bytes and one last block holding the rest, which is
 * empty when the input is a whole number of blocks (sgzip writes such an empty final block too).
 * Blocks are fresh copies, so the consumer may keep them.
 */
export async function* splitBlocks(body: Body, size: number): AsyncGenerator<Block> {
  let buf = new Uint8Array(size);
  let fill = 0;
  let index = 0;
  for await (let part of body) {
    while (part.length > 0) {
      const n = Math.min(part.length, size - fill);
      buf.set(part.subarray(0, n), fill);
      fill += n;
      part = part.subarray(n);
      if (fill === size) {
        yield { data: buf, index: index++, last: false };
        buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  yield { data: buf.subarray(0, fill), index, last: true };
}

/**
 * Applies `fn` to the items of `source` with at most `limit` calls in flight, yielding results in
 * source order. Memory: `limit` inputs and outputs. Breaking out stops pulling from `source`.
 */
export async function* mapOrdered<T, R>(
  source: AsyncIterable<T>,
  fn: (item: T) => Promise<R>,
  limit: number,
): AsyncGenerator<R> {
  const it = source[Symbol.asyncIterator]();
  const queue: Promise<R>[] = [];
  let done = false;
  const pull = async () => {
    const r = await it.next();
    if (r.done) {
      done = true;
      return;
    }
    const p = fn(r.value);
    // Awaited in order below; this only stops an early rejection being reported as unhandled.
    p.catch(() => undefined);
    queue.push(p);
  };
  try {
    while (!done && queue.length < limit) await pull();
    while (queue.length > 0) {
      const value = await (queue.shift() as Promise<R>);
      if (!done) await pull();
      yield value;
    }
  } finally {
    await it.return?.();
  }
}

/** Reads exact byte counts from a body. */
export class ExactReader {
  private readonly it: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);

  constructor(body: Body) {
    this.it = body[Symbol.asyncIterator]();
  }

  /** The next `n` bytes, or fewer when the body ends first. */
  async read(n: number): Promise<Uint8Array> {
    if (this.pending.length >= n) {
      const out = this.pending.subarray(0, n);
      this.pending = this.pending.subarray(n);
      return out;
    }
    const out = new Uint8Array(n);
    out.set(this.pending);
    let fill = this.pending.length;
    this.pending = new Uint8Array(0);
    while (fill < n) {
      const r = await this.it.next();
      if (r.done) return out.subarray(0, fill);
      const take = Math.min(r.value.length, n - fill);
      out.set(r.value.subarray(0, take), fill);
      fill += take;
      if (take < r.value.length) this.pending = r.value.subarray(take);
    }
    return out;
  }

  /** True when nothing is left. */
  async atEnd(): Promise<boolean> {
    while (this.pending.length === 0) {
      const r = await this.it.next();
      if (r.done) return true;
      this.pending = r.value;
    }
    return false;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}
