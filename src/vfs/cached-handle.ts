/** A handle on a file whose data goes through the cache directory (cache modes minimal to full). */
import { constants } from "node:os";
import type { CacheItem } from "./cache-item.js";
import { vfsError } from "./errno.js";
import type { OpenFlags, VfsHandle } from "./types.js";

const E = constants.errno;

export class CachedHandle implements VfsHandle {
  private released = false;
  /** Where the last read ended: a read starting there is sequential and reads ahead. */
  private nextOffset = 0;

  constructor(
    private readonly item: CacheItem,
    private readonly flags: OpenFlags,
    /** Bytes fetched ahead of a sequential reader (cache mode full). */
    private readonly readAhead: number,
    /** The VFS's last word on a closed handle: journal and queue the upload of what was written. */
    private readonly onRelease: (item: CacheItem, writer: boolean) => Promise<void>,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.check();
    this.item.lastUse = Date.now();
    const data = await this.item.read(offset, length, offset === this.nextOffset ? this.readAhead : 0);
    this.nextOffset = offset + data.length;
    return data;
  }

  async write(offset: number, data: Uint8Array): Promise<number> {
    this.checkWrite();
    return this.item.write(this.flags.append ? this.item.size : offset, data);
  }

  async truncate(size: number): Promise<void> {
    this.checkWrite();
    await this.item.truncate(size);
  }

  async flush(): Promise<void> {
    this.check();
    if (this.flags.write) await this.item.sync();
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.onRelease(this.item, this.flags.write);
  }

  private check(): void {
    if (this.released) throw vfsError("PermissionDenied", E.EBADF, "file already closed", this.item.path);
  }

  private checkWrite(): void {
    this.check();
    if (!this.flags.write) throw vfsError("PermissionDenied", E.EBADF, "file not open for writing", this.item.path);
  }
}
