/**
 * An SFTP file opened for writing: the WRITE requests at increasing offsets become one body that
 * `rcat` uploads (hashed and verified as every upload), so a write handle holds at most a few
 * megabytes, and an upload that is never closed leaves no file.
 */
import { FsError } from "../../fs/errors.js";
import { rcat } from "../../fs/operations/rcat.js";
import type { Body, FsObject } from "../../fs/types.js";
import type { ServeContext } from "../context.js";
import { countedTransfer } from "../counted-transfer.js";

/**
 * Bytes queued ahead of the upload before a WRITE waits for it; also the most that writes sent
 * ahead of a missing offset may hold (clients keep several requests in flight, which can arrive
 * reordered when they send them from several threads).
 */
const QUEUE_LIMIT = 8 << 20;

/** One upload fed by positioned writes. */
export class SequentialUpload {
  /** The file being written, relative to the served root. */
  readonly remote: string;
  /** Bytes taken in order so far: the next offset a write must start at. */
  private next = 0;
  private readonly queue: Uint8Array[] = [];
  private queued = 0;
  /** Writes that arrived ahead of `next`, by offset. */
  private readonly ahead = new Map<number, Uint8Array>();
  private aheadBytes = 0;
  private ended = false;
  private failure: Error | undefined;
  /** Wakes the body when data, the end or a failure arrives. */
  private wakeReader: (() => void) | undefined;
  /** Wakes writers waiting for the queue to drain. */
  private readonly drained: (() => void)[] = [];
  private readonly result: Promise<FsObject>;
  private readonly abortController = new AbortController();

  constructor(ctx: ServeContext, remote: string) {
    this.remote = remote;
    const signal = this.abortController.signal;
    this.result = countedTransfer(ctx, "written", remote, -1, signal, (count) =>
      rcat(ctx.fs, remote, count(this.body()), { size: -1, signal }),
    ).then(
      // rcat answers undefined only for a dry run, which this never is.
      (stored) => stored as FsObject,
    );
    // A failed upload is reported by the next write or by close; until then it must not go unhandled.
    this.result.catch((err: Error) => this.fail(err));
  }

  /** The bytes written so far in order. */
  get size(): number {
    return this.next;
  }

  /**
   * Takes `data` written at `offset`. Resolves once it is queued for the upload. Throws `NotImplemented`
   * for a write before the end (a rewrite) or too far ahead of it, and the upload's error once it failed.
   */
  async write(offset: number, data: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    if (offset < this.next) {
      throw new FsError(
        "NotImplemented",
        `write at ${offset} before the end (${this.next}): files are written in order`,
        {
          path: this.remote,
        },
      );
    }
    if (offset > this.next) {
      if (this.aheadBytes + data.length > QUEUE_LIMIT) {
        throw new FsError(
          "NotImplemented",
          `write at ${offset} far beyond the end (${this.next}): files are written in order`,
          {
            path: this.remote,
          },
        );
      }
      this.ahead.set(offset, data);
      this.aheadBytes += data.length;
      return;
    }
    this.enqueue(data);
    for (let held = this.ahead.get(this.next); held; held = this.ahead.get(this.next)) {
      this.ahead.delete(this.next);
      this.aheadBytes -= held.length;
      this.enqueue(held);
    }
    while (this.queued > QUEUE_LIMIT && !this.failure) await new Promise<void>((r) => this.drained.push(r));
    if (this.failure) throw this.failure;
  }

  /** Ends the body and waits for the upload; throws its error, or `Other` when writes left a gap. */
  async close(): Promise<FsObject> {
    if (this.ahead.size > 0) {
      this.abort(new FsError("Other", `the file has a gap at offset ${this.next}`, { path: this.remote }));
    }
    this.ended = true;
    this.wakeReader?.();
    return this.result;
  }

  /** Stops the upload (the client went away before closing): nothing is stored. */
  abort(reason: Error): void {
    this.fail(reason);
    this.abortController.abort(reason);
  }

  private enqueue(data: Uint8Array): void {
    this.queue.push(data);
    this.queued += data.length;
    this.next += data.length;
    this.wakeReader?.();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wakeReader?.();
    for (const wake of this.drained.splice(0)) wake();
  }

  private async *body(): Body {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk) {
        this.queued -= chunk.length;
        if (this.queued <= QUEUE_LIMIT) for (const wake of this.drained.splice(0)) wake();
        yield chunk;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.ended) return;
      await new Promise<void>((r) => {
        this.wakeReader = r;
      });
      this.wakeReader = undefined;
    }
  }
}
