/**
 * One shard's upload: a bounded queue of byte parts feeding one `put` on one upstream. The producer
 * (the segment encoder) pushes; the put pulls. A sink can be cancelled (long-tail cancellation, or
 * the upload failed), which aborts its put so the upstream removes what it had written.
 */
import type { Body, Fs, FsObject } from "../../fs/types.js";

/** Parts a sink buffers before the producer must wait (or cancel it as a straggler). */
const DEPTH = 4;

export class ShardSink {
  private readonly parts: Uint8Array[] = [];
  private closed = false;
  private readonly controller = new AbortController();
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;
  /** Settles when the put ends: the temporary shard object, or the reason it failed. */
  readonly done: Promise<FsObject>;
  failure: unknown;
  finished = false;
  /** Cancelled: its result no longer matters, and nobody waits for it. */
  cancelled = false;

  constructor(
    readonly index: number,
    readonly upstream: Fs,
    remote: string,
    size: number,
    modTime: Date,
    signal: AbortSignal | undefined,
  ) {
    const abort = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    const put = size < 0 && upstream.features.putStream ? upstream.features.putStream : upstream.put.bind(upstream);
    this.done = put(this.body(abort), { remote, size, modTime }, { signal: abort });
    this.done.then(
      (obj) => {
        this.finished = true;
        this.wakeProducer?.();
        // A put that ignored the abort and completed leaves a temporary shard nobody will commit.
        if (this.cancelled) void obj.remove().catch(() => undefined);
      },
      (err) => {
        this.failure ??= err;
        this.finished = true;
        this.closed = true;
        this.wakeProducer?.();
      },
    );
  }

  /** Whether the queue has room (or the put is over, so pushing costs nothing). */
  get ready(): boolean {
    return this.parts.length < DEPTH || this.finished;
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Queues a part; never waits (see `whenReady`). */
  push(part: Uint8Array): void {
    if (this.closed) return;
    this.parts.push(part);
    this.wakeConsumer?.();
  }

  /** Resolves once the queue has room or the put is over. */
  whenReady(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeProducer = resolve;
    });
  }

  /** No more parts: the put completes once it has written the queue. */
  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
  }

  /** Aborts the put (it removes its partial object). */
  cancel(reason: unknown): void {
    if (this.finished && !this.failed) return;
    this.cancelled = true;
    this.failure ??= reason;
    this.closed = true;
    this.parts.length = 0;
    this.controller.abort(reason);
    this.wakeConsumer?.();
  }

  private async *body(signal: AbortSignal): Body {
    for (;;) {
      signal.throwIfAborted();
      const part = this.parts.shift();
      if (part) {
        if (this.parts.length < DEPTH) {
          const wake = this.wakeProducer;
          this.wakeProducer = undefined;
          wake?.();
        }
        yield part;
        continue;
      }
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
      this.wakeConsumer = undefined;
    }
  }
}
