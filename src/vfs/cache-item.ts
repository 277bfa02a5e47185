/**
 * One file's data in the cache directory: a sparse local file holding the parts read (cache mode
 * full) or the whole content being written, with which parts are valid and where the rest comes from.
 */
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { FsError } from "../fs/errors.js";
import type { FsObject } from "../fs/types.js";
import { Ranges } from "./ranges.js";

export class CacheItem {
  /** Valid bytes of the local file; the rest is read from `source` on demand. */
  present = new Ranges();
  /** Local changes not yet uploaded. */
  dirty = false;
  /** The journal holds a `put` record for `id`. */
  journalled = false;
  /** Unlinked: never uploaded, its data goes when the last handle closes. */
  deleted = false;
  /** Open handles, and how many of them may write. */
  opens = 0;
  writers = 0;
  /** Bumped by every change, so an upload can tell whether it sent the latest content. */
  generation = 0;
  /** When a handle last used it (ms), for `cacheMaxAge`. */
  lastUse = Date.now();
  /** Cache files of earlier versions still journalled, retired once this version is journalled. */
  retired: string[] = [];
  private fh?: Promise<FileHandle>;
  /** Downloads run one after another, so two readers never fetch the same gap twice. */
  private filling: Promise<void> = Promise.resolve();

  constructor(
    /** The VFS path; changes on rename. */
    public path: string,
    /** Name of the local file in the cache's files directory; changes on copy-on-write. */
    public id: string,
    /** Absolute path of the local file, from an id. */
    private readonly fileOf: (id: string) => string,
    public size: number,
    public mtime: Date,
    /** The remote object the missing parts come from; undefined for a file made here. */
    public source?: FsObject,
  ) {}

  get file(): string {
    return this.fileOf(this.id);
  }

  /**
   * Reads up to `length` bytes at `offset` (fewer at the end), fetching missing parts first, and
   * then, in the background, what is missing of the next `ahead` bytes (a sequential reader's next reads).
   */
  async read(offset: number, length: number, ahead = 0): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (end <= offset) return new Uint8Array(0);
    await this.ensure(offset, end);
    // Fetched a window at a time (when half of it is used up), not a read's worth each time. A failed
    // fetch ahead is only a missed guess: the read that needs those bytes fetches them again.
    if (ahead > 0 && this.source && this.present.missing(end, Math.min(this.size, end + ahead / 2)).length > 0) {
      this.ensure(end, end + ahead).catch(() => undefined);
    }
    const fh = await this.handle();
    const out = new Uint8Array(end - offset);
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await fh.read(out, at, out.length - at, offset + at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return out.subarray(0, at);
  }

  async write(offset: number, data: Uint8Array): Promise<number> {
    // Bytes between the old end and a write past it are zeros of the new file, not missing data.
    if (offset > this.size) this.present.add(this.size, offset);
    const fh = await this.handle();
    let at = 0;
    while (at < data.length) {
      const { bytesWritten } = await fh.write(data, at, data.length - at, offset + at);
      at += bytesWritten;
    }
    this.present.add(offset, offset + data.length);
    this.size = Math.max(this.size, offset + data.length);
    this.changed();
    return data.length;
  }

  async truncate(size: number): Promise<void> {
    if (size < this.size) await this.ensure(0, size);
    await (await this.handle()).truncate(size);
    if (size > this.size) this.present.add(this.size, size);
    else this.present.clip(size);
    this.size = size;
    this.changed();
  }

  /** Fetches whatever of `[start, end)` is not in the local file yet from `source`. */
  ensure(start: number, end: number): Promise<void> {
    const run = this.filling.then(() => this.fill(start, Math.min(end, this.size)));
    this.filling = run.catch(() => undefined);
    return run;
  }

  /** Marks the content changed now: it needs an upload. */
  changed(): void {
    this.dirty = true;
    this.generation++;
    this.mtime = new Date();
    this.lastUse = Date.now();
  }

  /** Makes the local file durable (fsync), if it is open. */
  async sync(): Promise<void> {
    if (this.fh) await (await this.fh).sync();
  }

  /** Closes the local file (reopened by the next use). */
  async closeFile(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    if (fh) await (await fh).close();
  }

  /** Drops the cached data of a stale source and starts over from `source`. */
  async reset(source: FsObject): Promise<void> {
    this.source = source;
    this.size = source.size;
    this.mtime = source.modTime;
    this.present = new Ranges();
    await (await this.handle()).truncate(0);
  }

  private async fill(start: number, end: number): Promise<void> {
    const source = this.source;
    if (!source) return;
    for (const gap of this.present.missing(start, end)) {
      const fh = await this.handle();
      let at = gap.start;
      for await (const part of await source.open({ offset: gap.start, length: gap.end - gap.start })) {
        const take = part.subarray(0, gap.end - at);
        let done = 0;
        while (done < take.length) {
          const { bytesWritten } = await fh.write(take, done, take.length - done, at + done);
          done += bytesWritten;
        }
        this.present.add(at, at + take.length);
        at += take.length;
        if (at >= gap.end) break;
      }
      if (at < gap.end) {
        throw new FsError("Corrupt", `remote file ended at byte ${at}, before the ${gap.end} it was listed with`, {
          path: this.path,
          retry: "temporary",
        });
      }
    }
  }

  private handle(): Promise<FileHandle> {
    if (!this.fh) {
      const opening = open(this.file, constants.O_RDWR | constants.O_CREAT, 0o600);
      this.fh = opening;
      // A failed open is not kept: the next use tries again.
      opening.catch(() => {
        if (this.fh === opening) this.fh = undefined;
      });
    }
    return this.fh;
  }
}
