/** A body fed by calls (a file handle's writes), with back-pressure: a push waits while the consumer lags. */
import type { Body } from "../fs/types.js";

/** Bytes queued before `push` waits for the consumer. */
const HIGH_WATER = 1 << 20;

export class PushBody {
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  private ended = false;
  private failure: { err: unknown } | undefined;
  private wakeConsumer: (() => void) | undefined;
  private readonly wakeProducers: (() => void)[] = [];

  /** Queues a copy of `data` (the caller may reuse its buffer); waits while too much is queued. */
  async push(data: Uint8Array): Promise<void> {
    if (this.ended) throw new Error("push after end");
    this.queue.push(data.slice());
    this.queued += data.length;
    this.wake();
    while (this.queued > HIGH_WATER && !this.failure) {
      await new Promise<void>((resolve) => this.wakeProducers.push(resolve));
    }
  }

  /** Ends the body after what is queued. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Ends the body with `err` thrown to its consumer. */
  fail(err: unknown): void {
    this.failure = { err };
    this.ended = true;
    this.wake();
    for (const resolve of this.wakeProducers.splice(0)) resolve();
  }

  /** The body, for one consumer. Stopping it early unblocks pending pushes. */
  async *body(): Body {
    try {
      for (;;) {
        const chunk = this.queue.shift();
        if (chunk) {
          this.queued -= chunk.length;
          if (this.queued <= HIGH_WATER) for (const resolve of this.wakeProducers.splice(0)) resolve();
          yield chunk;
          continue;
        }
        if (this.failure) throw this.failure.err;
        if (this.ended) return;
        await new Promise<void>((resolve) => {
          this.wakeConsumer = resolve;
        });
      }
    } finally {
      if (!this.ended) this.fail(new Error("body consumer stopped"));
    }
  }

  private wake(): void {
    const fn = this.wakeConsumer;
    this.wakeConsumer = undefined;
    fn?.();
  }
}
