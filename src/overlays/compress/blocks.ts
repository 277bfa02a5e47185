/**
 * Block plumbing shared by the gzip and zstd codecs: cutting a body into fixed-size blocks, running
 * an async codec over several blocks at once while keeping their order.
 * Pure: no Fs.
 */
import { blocks } from "../../fs/body.js";
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
 */
export async function* splitBlocks(body: Body, size: number): AsyncGenerator<Block> {
  let index = 0;
  let held: Uint8Array | undefined;
  for await (const piece of blocks(body, size)) {
    if (held) yield { data: held, index: index++, last: false };
    held = piece;
  }
  if (held?.length === size) {
    yield { data: held, index: index++, last: false };
    held = undefined;
  }
  yield { data: held ?? new Uint8Array(0), index, last: true };
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
