/**
 * The cache directory: every file with local data (`CacheItem`), the journal of closed files not
 * yet uploaded, their write-back, and eviction of clean data. State lives in
 * `<cacheDir>/vfs/<remote>/`: `journal` and `files/<id>`, one local file per item.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { LocalFs } from "../backends/local/fs.js";
import { log } from "../fs/log.js";
import type { Fs, FsObject } from "../fs/types.js";
import { CacheItem } from "./cache-item.js";
import type { DirCache } from "./dir-cache.js";
import { Journal, type PendingUpload } from "./journal.js";
import type { ResolvedVfsOptions } from "./options.js";
import { type Sent, WriteBack } from "./write-back.js";

/** Longest pause between eviction passes. */
const EVICT_INTERVAL = 60_000;

const newId = () => randomBytes(12).toString("hex");

/** The directory holding the VFS state of `fs` under `cacheDir` (rclone: `<cache-dir>/vfs/<remote>`). */
export function stateDirOf(cacheDir: string, fs: Fs): string {
  return join(cacheDir, "vfs", encodeURIComponent(`${fs.name}:${fs.root}`));
}

export class VfsCache {
  /** Items by VFS path; an unlinked item leaves this map while its handles stay open. */
  readonly items = new Map<string, CacheItem>();
  private readonly writeBack: WriteBack;
  private readonly evictTimer: NodeJS.Timeout;
  private readonly fileOf = (id: string) => join(this.filesDir, id);

  private constructor(
    fs: Fs,
    private readonly options: ResolvedVfsOptions,
    private readonly dirCache: DirCache,
    private readonly filesDir: string,
    private readonly journal: Journal,
  ) {
    const cacheFs = new LocalFs("vfs-cache", filesDir, {
      copy_links: false,
      skip_links: true,
      case_insensitive: false,
      no_set_modtime: false,
    });
    this.writeBack = new WriteBack(fs, cacheFs, options, (item, obj, sent) => this.uploaded(item, obj, sent));
    this.evictTimer = setInterval(
      () => void this.evict(),
      Math.min(EVICT_INTERVAL, Math.max(1000, options.cacheMaxAge)),
    );
    this.evictTimer.unref();
  }

  /**
   * Opens the cache of `fs` in `options.cacheDir`: every file the journal lists as closed but not
   * uploaded is queued for upload again; any other cached data (clean copies, files never closed)
   * is removed.
   */
  static async open(fs: Fs, options: ResolvedVfsOptions, dirCache: DirCache): Promise<VfsCache> {
    const stateDir = stateDirOf(options.cacheDir, fs);
    const filesDir = join(stateDir, "files");
    await mkdir(filesDir, { recursive: true, mode: 0o700 });
    const cache = new VfsCache(fs, options, dirCache, filesDir, await Journal.open(stateDir));
    await cache.recover(cache.journal.recovered);
    return cache;
  }

  /**
   * An item for reading `path` through the cache (`obj`: what the remote's listing has there), its
   * data dropped when the remote has another version than the one cached.
   */
  async openForRead(path: string, obj: FsObject | undefined): Promise<CacheItem> {
    const item = await this.current(path, obj);
    item.opens++;
    return item;
  }

  /**
   * An item for writing `path` (`obj` is what the remote has there, if anything), its pending upload
   * stopped. A journalled file is copied first (a reflink where the disk can), so the version whose
   * close was acknowledged stays whole until the new one is journalled.
   */
  async openForWrite(path: string, obj: FsObject | undefined): Promise<CacheItem> {
    const item = await this.current(path, obj);
    this.writeBack.cancel(item);
    if (item.journalled && item.writers === 0 && item.retired.length === 0) {
      const id = newId();
      await copyFile(item.file, this.fileOf(id), constants.COPYFILE_FICLONE);
      await item.closeFile();
      item.retired.push(item.id);
      item.id = id;
    }
    item.opens++;
    item.writers++;
    return item;
  }

  /** The last word on a closed handle: a written file is made durable, journalled, then queued. */
  async release(item: CacheItem, writer: boolean): Promise<void> {
    if (writer) item.writers--;
    item.lastUse = Date.now();
    // The handle counts as open until its data is durable, so an unlink meanwhile leaves the file alone.
    if (writer && item.writers === 0 && item.dirty && !item.deleted) {
      await item.sync();
      await this.journal.put(pendingOf(item));
      item.journalled = true;
      if (item.deleted) {
        // Unlinked while this close was being made durable: nothing to upload.
        await this.journal.done(item.id);
        item.journalled = false;
      } else {
        await this.retire(item);
        this.writeBack.schedule(item);
      }
    }
    item.opens--;
    if (item.opens > 0) return;
    await item.closeFile();
    if (item.deleted) await this.removeFiles(item);
    else await this.evict();
  }

  /** Forgets `item` (its file was unlinked): no upload, its data goes once no handle has it open. */
  async remove(item: CacheItem): Promise<void> {
    item.deleted = true;
    if (this.items.get(item.path) === item) this.items.delete(item.path);
    this.writeBack.cancel(item);
    if (item.journalled) await this.journal.done(item.id);
    await this.retire(item);
    if (item.opens === 0) await this.removeFiles(item);
  }

  /** Gives `item` its new path `to`; a pending upload starts over under the new name. */
  async rename(item: CacheItem, to: string): Promise<void> {
    if (this.items.get(item.path) === item) this.items.delete(item.path);
    item.path = to;
    this.items.set(to, item);
    if (item.journalled && item.retired.length === 0) await this.journal.put(pendingOf(item));
    if (this.writeBack.has(item)) {
      this.writeBack.cancel(item);
      this.writeBack.schedule(item);
    }
  }

  /** Sets the modtime of `item`; a pending upload carries it, a journalled one durably. */
  async setModTime(item: CacheItem, mtime: Date): Promise<void> {
    item.mtime = mtime;
    if (item.journalled && item.retired.length === 0) await this.journal.put(pendingOf(item));
  }

  /** Waits until every closed file has been uploaded (or given up on, staying journalled). */
  sync(): Promise<void> {
    return this.writeBack.sync();
  }

  /** Uploads what is pending once more (failures stay journalled for the next start), then stops. */
  async close(): Promise<void> {
    await this.writeBack.stop();
    clearInterval(this.evictTimer);
    for (const item of this.items.values()) await item.closeFile();
    await this.journal.close();
  }

  /** Removes clean, unopened data older than `cacheMaxAge`, then the oldest until under `cacheMaxSize`. */
  async evict(): Promise<void> {
    const now = Date.now();
    const idle = [...this.items.values()]
      .filter((i) => !i.dirty && i.opens === 0)
      .sort((a, b) => a.lastUse - b.lastUse);
    let total = [...this.items.values()].reduce((n, i) => n + i.present.total, 0);
    for (const item of idle) {
      if (now - item.lastUse < this.options.cacheMaxAge && total <= this.options.cacheMaxSize) continue;
      total -= item.present.total;
      this.items.delete(item.path);
      await this.removeFiles(item);
    }
  }

  /** The item at `path`, made if there is none; clean data of an older remote version is dropped. */
  private async current(path: string, obj: FsObject | undefined): Promise<CacheItem> {
    const item = this.items.get(path);
    if (!item) {
      const made = new CacheItem(path, newId(), this.fileOf, obj?.size ?? 0, obj?.modTime ?? new Date(), obj);
      if (!obj) made.changed();
      this.items.set(path, made);
      return made;
    }
    if (obj && !item.dirty && item.opens === 0 && !sameVersion(item.source, obj)) await item.reset(obj);
    return item;
  }

  private async uploaded(item: CacheItem, obj: FsObject, sent: Sent): Promise<void> {
    if (item.deleted || item.path !== sent.path) {
      // Uploaded under a name the file no longer has: that copy must not stay behind.
      await obj.remove().catch(() => undefined);
      return;
    }
    if (item.generation !== sent.generation || item.id !== sent.id) return;
    this.dirCache.set(obj);
    item.dirty = false;
    item.source = obj;
    item.present.add(0, item.size);
    await this.journal.done(sent.id);
    item.journalled = false;
    if (item.opens === 0) {
      await item.closeFile();
      await this.evict();
    }
  }

  /** Ends the journal records and files of `item`'s earlier versions. */
  private async retire(item: CacheItem): Promise<void> {
    for (const id of item.retired.splice(0)) {
      await this.journal.done(id);
      await rm(this.fileOf(id), { force: true });
    }
  }

  private async removeFiles(item: CacheItem): Promise<void> {
    await rm(item.file, { force: true });
  }

  private async recover(pending: readonly PendingUpload[]): Promise<void> {
    for (const rec of pending) {
      const st = await stat(this.fileOf(rec.id)).catch(() => undefined);
      if (st?.size !== rec.size) {
        log.error(rec.path, `vfs: the cached data of a pending upload is missing or damaged (${rec.id}): not uploaded`);
        await this.journal.done(rec.id);
        continue;
      }
      // Two versions of one path (a crash between journalling the new one and retiring the old): the later wins.
      const older = this.items.get(rec.path);
      if (older) await this.remove(older);
      const item = new CacheItem(rec.path, rec.id, this.fileOf, rec.size, new Date(rec.mtime));
      item.present.add(0, rec.size);
      item.dirty = true;
      item.journalled = true;
      this.items.set(rec.path, item);
      log.info(rec.path, "vfs: queued again for upload after a restart");
      this.writeBack.schedule(item);
    }
    const keep = new Set([...this.items.values()].map((i) => i.id));
    for (const name of await readdir(this.filesDir)) {
      if (!keep.has(name)) await rm(this.fileOf(name), { force: true });
    }
  }
}

function pendingOf(item: CacheItem): PendingUpload {
  return { id: item.id, path: item.path, size: item.size, mtime: item.mtime.getTime() };
}

function sameVersion(a: FsObject | undefined, b: FsObject): boolean {
  return a !== undefined && a.size === b.size && a.modTime.getTime() === b.modTime.getTime();
}
