/**
 * A file read without the cache: one ranged `open` of the remote object streamed from the reader's
 * position with read-ahead, opened again at the new offset when the reader seeks.
 */
import { constants } from "node:os";
import { ByteReader } from "../fs/body.js";
import { isRetryable } from "../fs/errors.js";
import { log } from "../fs/log.js";
import type { FsObject } from "../fs/types.js";
import { vfsError } from "./errno.js";
import { readAhead } from "./read-ahead.js";
import type { VfsHandle } from "./types.js";

const E = constants.errno;

/** A forward jump up to this far is read through rather than reopened (the bytes are likely buffered). */
const MIN_SKIP = 256 << 10;
/**
 * Bytes kept behind the reader: the kernel issues reads concurrently and they can arrive a little out
 * of order; one just behind the position is answered from here instead of opening the object again.
 */
const HISTORY = 1 << 20;
/** Attempts at a read whose stream fails with a temporary error (reopened at the same offset). */
const READ_ATTEMPTS = 3;

export class StreamReadHandle implements VfsHandle {
  private reader: ByteReader | undefined;
  private pos = 0;
  /** The last bytes read (or skipped), contiguous, ending at `pos`. */
  private history: Uint8Array[] = [];
  private historyBytes = 0;
  /** Reads run one at a time: they share one stream. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly object: FsObject,
    private readonly readAheadBytes: number,
  ) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    const run = this.queue.then(() => this.readNow(offset, length));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async write(): Promise<number> {
    throw vfsError("PermissionDenied", E.EBADF, "file not open for writing", this.object.remote);
  }

  async truncate(): Promise<void> {
    throw vfsError("PermissionDenied", E.EBADF, "file not open for writing", this.object.remote);
  }

  async flush(): Promise<void> {}

  async release(): Promise<void> {
    await this.queue;
    await this.reader?.close();
    this.reader = undefined;
  }

  private async readNow(offset: number, length: number): Promise<Uint8Array> {
    const want = Math.min(length, this.object.size - offset);
    if (want <= 0) return new Uint8Array(0);
    const behind = this.recall(offset, want);
    if (behind.length === want) return behind;
    const rest = await this.readStream(offset + behind.length, want - behind.length);
    return behind.length === 0 ? rest : Buffer.concat([behind, rest]);
  }

  /** What the history holds of `[offset, offset + length)`, from `offset` on (possibly nothing). */
  private recall(offset: number, length: number): Uint8Array {
    const start = this.pos - this.historyBytes;
    if (offset < start || offset >= this.pos) return new Uint8Array(0);
    const whole = Buffer.concat(this.history);
    this.history = [whole];
    // A copy: the caller owns what it gets, the history keeps its own.
    return whole.slice(offset - start, Math.min(offset - start + length, whole.length));
  }

  private remember(data: Uint8Array): void {
    this.history.push(data);
    this.historyBytes += data.length;
    while (this.historyBytes - (this.history[0] as Uint8Array).length >= HISTORY) {
      this.historyBytes -= (this.history.shift() as Uint8Array).length;
    }
  }

  private async readStream(offset: number, length: number): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.seek(offset);
        const data = await (this.reader as ByteReader).read(length);
        this.pos += data.length;
        this.remember(data);
        return data;
      } catch (err) {
        await this.reader?.close().catch(() => undefined);
        this.reader = undefined;
        if (!isRetryable(err) || attempt >= READ_ATTEMPTS) throw err;
        log.debug(this.object.remote, `vfs: read at ${offset} failed, reopening: ${err}`);
      }
    }
  }

  private async seek(offset: number): Promise<void> {
    const skip = offset - this.pos;
    if (this.reader && skip >= 0 && skip <= Math.max(MIN_SKIP, this.readAheadBytes)) {
      if (skip > 0) {
        const skipped = await this.reader.read(skip);
        this.pos += skipped.length;
        this.remember(skipped);
      }
      if (this.pos === offset) return;
    }
    await this.reader?.close();
    this.reader = new ByteReader(readAhead(await this.object.open({ offset }), this.readAheadBytes));
    this.pos = offset;
    this.history = [];
    this.historyBytes = 0;
  }
}
