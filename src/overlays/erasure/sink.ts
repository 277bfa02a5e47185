/**
 * One shard's upload: a bounded queue of byte parts feeding one `put` on one upstream. The producer
 * (the segment encoder) pushes; the put pulls. A sink can be cancelled (long-tail cancellation, or
 * the upload failed), which aborts its put so the upstream removes what it had written; `settled`
 * says when that is over.
 */
import type { Body, Fs, FsObject } from "../../fs/types.js";

/** Parts a sink buffers before the producer must wait (or cancel it as a straggler). */
const DEPTH = 4;

export class ShardSink {
  private readonly parts: Uint8Array[] = [];
  private closed = false;
  private readonly controller = new AbortController();
  private wakeConsumer: (() => void) | undefined;
  /** Resolved (and cleared) when the queue gets room or the put ends; shared by every waiter. */
  private roomy: { promise: Promise<void>; resolve: () => void } | undefined;
  /** Settles when the put ends: the temporary shard object, or the reason it failed. */
  readonly done: Promise<FsObject>;
  /**
   * Resolves once the put is over and, if the sink was cancelled, what it stored is removed: after
   * this nothing of a cancelled sink is left on its upstream or running in the process.
   */
  readonly settled: Promise<void>;
  failure: unknown;
  finished = false;
  /** Cancelled: its result no longer matters. */
  cancelled = false;
  /** How long in all the encoder waited for this sink's queue while enough others had room. */
  stalledMs = 0;

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
    this.settled = this.done.then(
      async (obj) => {
        this.finished = true;
        this.wake();
        // A put that ignored the abort and completed leaves a temporary shard nobody will commit.
        if (this.cancelled) await obj.remove().catch(() => undefined);
      },
      (err) => {
        this.failure ??= err;
        this.finished = true;
        this.closed = true;
        this.wake();
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
    if (!this.roomy) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      this.roomy = { promise, resolve };
    }
    return this.roomy.promise;
  }

  /** No more parts: the put completes once it has written the queue. */
  close(): void {
    this.closed = true;
    this.wakeConsumer?.();
  }

  /** Aborts the put (it removes its partial object); `settled` says when that is done. */
  cancel(reason: unknown): void {
    if (this.finished && !this.failed) return;
    this.cancelled = true;
    this.failure ??= reason;
    this.closed = true;
    this.parts.length = 0;
    this.controller.abort(reason);
    this.wakeConsumer?.();
    this.wake();
  }

  private wake(): void {
    const roomy = this.roomy;
    this.roomy = undefined;
    roomy?.resolve();
  }

  private async *body(signal: AbortSignal): Body {
    for (;;) {
      signal.throwIfAborted();
      const part = this.parts.shift();
      if (part) {
        if (this.parts.length < DEPTH) this.wake();
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
