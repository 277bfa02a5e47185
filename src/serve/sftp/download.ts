/**
 * An SFTP file opened for reading: READs at the offset where the last one ended continue the body
 * already open; a READ anywhere else opens a ranged read from there.
 */

import type { Transfer } from "../../fs/accounting/stats.js";
import { ByteReader, prefetch } from "../../fs/body.js";
import type { FsObject } from "../../fs/types.js";
import type { ServeContext } from "../context.js";

/** Chunks read ahead of the client's READs. */
const READ_AHEAD = 4;

/** One file being read; its READs must be served one at a time, in the order they came. */
export class RangedDownload {
  readonly object: FsObject;
  private reader: ByteReader | undefined;
  /** The offset the open body is at. */
  private position = 0;

  private readonly ctx: ServeContext;
  private readonly transfer: Transfer;

  constructor(ctx: ServeContext, object: FsObject) {
    this.ctx = ctx;
    this.object = object;
    this.transfer = ctx.stats.startTransfer(object.remote, object.size);
  }

  /** Up to `length` bytes at `offset`; empty at or past the end of the file. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (this.object.size >= 0 && offset >= this.object.size) return new Uint8Array(0);
    if (!this.reader || this.position !== offset) {
      await this.stopReading();
      // Read ahead of the client's requests, so decoding overlaps with sending.
      this.reader = new ByteReader(prefetch(await this.object.open({ offset }), READ_AHEAD));
      this.position = offset;
    }
    const data = await this.reader.read(length);
    this.position += data.length;
    this.transfer.add(data.length);
    this.ctx.metrics.addBytes("read", data.length);
    return data;
  }

  /** Ends the download: stops the open body and counts the transfer (failed when `err` is given). */
  async close(err?: unknown): Promise<void> {
    await this.stopReading();
    this.transfer.done(err);
    this.ctx.metrics.transfer("read", err === undefined);
  }

  private async stopReading(): Promise<void> {
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close();
  }
}
