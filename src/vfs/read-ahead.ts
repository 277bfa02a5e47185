/** Reading a body ahead of its consumer by a number of bytes (rclone's `--buffer-size` per open file). */
import type { Body } from "../fs/types.js";

/**
 * Yields `body`'s chunks while pulling up to `limit` bytes ahead of the consumer in the background, so
 * a sequential reader's next read is already in memory. Stopping early (break) stops the pulling and
 * closes `body`. With `limit` 0 it is `body` itself.
 */
export async function* readAhead(body: Body, limit: number): Body {
  if (limit <= 0) {
    yield* body;
    return;
  }
  const it = body[Symbol.asyncIterator]();
  const queue: Uint8Array[] = [];
  let queued = 0;
  let ended = false;
  let stopped = false;
  let failure: { err: unknown } | undefined;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: "consumer" | "producer") => {
    const fn = which === "consumer" ? wakeConsumer : wakeProducer;
    if (which === "consumer") wakeConsumer = undefined;
    else wakeProducer = undefined;
    fn?.();
  };
  const pump = (async () => {
    try {
      while (!stopped) {
        if (queued >= limit) {
          await new Promise<void>((r) => {
            wakeProducer = r;
          });
          continue;
        }
        const r = await it.next();
        if (r.done) break;
        queue.push(r.value);
        queued += r.value.length;
        wake("consumer");
      }
    } catch (err) {
      failure = { err };
    } finally {
      ended = true;
      wake("consumer");
    }
  })();
  try {
    for (;;) {
      const chunk = queue.shift();
      if (chunk) {
        queued -= chunk.length;
        wake("producer");
        yield chunk;
        continue;
      }
      if (failure) throw failure.err;
      if (ended) return;
      await new Promise<void>((r) => {
        wakeConsumer = r;
      });
    }
  } finally {
    stopped = true;
    wake("producer");
    await pump;
    await it.return?.();
  }
}
