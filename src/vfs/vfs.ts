/**
 * The VFS: a POSIX-like view of an `Fs` with rclone's semantics. Paths are cleaned by `cleanRemote`
 * before anything else, so none escapes the remote. What is being written lives in the cache (or in
 * a streamed upload) until uploaded, and shows in `stat` and `readdir` at once.
 */
import { constants } from "node:os";
import { fromBytes } from "../fs/body.js";
import { FsError, isFsError, objectNotFound } from "../fs/errors.js";
import { moveFile } from "../fs/operations/copy.js";
import { rcat } from "../fs/operations/rcat.js";
import { baseName, cleanRemote, joinRemote, parentOf, relativeTo } from "../fs/path.js";
import type { Entry, Fs, FsObject } from "../fs/types.js";
import { attrOf } from "./attr.js";
import type { VfsCache } from "./cache.js";
import type { CacheItem } from "./cache-item.js";
import { CachedHandle } from "./cached-handle.js";
import type { DirCache } from "./dir-cache.js";
import { readOnlyError, vfsError } from "./errno.js";
import type { ResolvedVfsOptions } from "./options.js";
import { StreamReadHandle } from "./stream-read-handle.js";
import { StreamWriteHandle } from "./stream-write-handle.js";
import type { OpenFlags, Vfs, VfsAttr, VfsDirEntry, VfsHandle, VfsUsage } from "./types.js";

const E = constants.errno;

/** What is at a path: a file being cached or streamed here, and what the remote's listing has. */
interface Node {
  item?: CacheItem;
  writer?: StreamWriteHandle;
  entry?: Entry;
}

const exists = (n: Node) => n.item !== undefined || n.writer !== undefined || n.entry !== undefined;
const isDir = (n: Node) => n.entry?.kind === "dir" && !n.item && !n.writer;

export class VfsImpl implements Vfs {
  /** Files being written without the cache, by path. */
  private readonly writers = new Map<string, StreamWriteHandle>();

  constructor(
    readonly fs: Fs,
    readonly options: ResolvedVfsOptions,
    private readonly dirs: DirCache,
    private readonly cache: VfsCache,
  ) {}

  async stat(path: string): Promise<VfsAttr> {
    const p = cleanRemote(path);
    const node = await this.node(p);
    if (!exists(node)) throw objectNotFound(p);
    return this.attr(node);
  }

  async readdir(path: string): Promise<VfsDirEntry[]> {
    const dir = cleanRemote(path);
    const byName = new Map<string, VfsAttr>();
    for (const [name, entry] of await this.dirs.list(dir)) byName.set(name, this.attr({ entry }));
    for (const item of this.cache.items.values()) {
      if (parentOf(item.path) === dir) byName.set(baseName(item.path), this.attr({ item }));
    }
    for (const writer of this.writers.values()) {
      if (parentOf(writer.path) === dir) byName.set(baseName(writer.path), this.attr({ writer }));
    }
    return [...byName].map(([name, attr]) => ({ name, attr }));
  }

  async open(path: string, flags: OpenFlags): Promise<VfsHandle> {
    const p = cleanRemote(path);
    const node = await this.node(p);
    if (!exists(node) && !flags.create) throw objectNotFound(p);
    const writing = flags.write || flags.truncate || !exists(node);
    if (this.options.readOnly && (writing || flags.create)) throw readOnlyError(p);
    if (exists(node) && flags.create && flags.exclusive) {
      throw new FsError("AlreadyExists", "file exists", { path: p });
    }
    if (!exists(node)) await this.dirs.list(parentOf(p));
    if (node.writer) throw vfsError("PermissionDenied", E.EPERM, "file is being written without the cache", p);
    if (p === "" || isDir(node)) throw new FsError("IsDir", "is a directory", { path: p });
    const obj = node.entry as FsObject | undefined;
    const mode = this.options.cacheMode;
    if (!writing) {
      if (node.item) return this.cachedHandle(await this.cache.openForRead(p, obj), flags);
      if (mode === "full") return this.cachedHandle(await this.cache.openForRead(p, obj), flags);
      return new StreamReadHandle(obj as FsObject, this.options.readAhead);
    }
    const cached = mode === "writes" || mode === "full" || (mode === "minimal" && flags.read && flags.write);
    if (cached || node.item) {
      const item = await this.cache.openForWrite(p, obj);
      try {
        if (flags.truncate) await item.truncate(0);
        else if (mode !== "full") await item.ensure(0, item.size);
      } catch (err) {
        await this.cache.release(item, true);
        throw err;
      }
      return this.cachedHandle(item, { ...flags, write: true });
    }
    return this.streamWriter(p, node, flags);
  }

  async mkdir(path: string): Promise<void> {
    const p = cleanRemote(path);
    if (this.options.readOnly) throw readOnlyError(p);
    if (exists(await this.node(p))) throw new FsError("AlreadyExists", "file exists", { path: p });
    await this.dirs.list(parentOf(p));
    await this.fs.mkdir(p);
    this.dirs.setEmptyDir({ kind: "dir", remote: p, modTime: new Date() });
  }

  async rmdir(path: string): Promise<void> {
    const p = cleanRemote(path);
    if (this.options.readOnly) throw readOnlyError(p);
    if (p === "") throw vfsError("PermissionDenied", E.EBUSY, "can't remove the root", p);
    const node = await this.node(p);
    if (!exists(node)) throw new FsError("DirNotFound", "directory not found", { path: p });
    if (!isDir(node)) throw new FsError("IsFile", "not a directory", { path: p });
    if ((await this.readdir(p)).length > 0) throw new FsError("DirNotEmpty", "directory not empty", { path: p });
    await this.fs.rmdir(p);
    this.dirs.delete(p);
  }

  async unlink(path: string): Promise<void> {
    const p = cleanRemote(path);
    if (this.options.readOnly) throw readOnlyError(p);
    const node = await this.node(p);
    if (!exists(node)) throw objectNotFound(p);
    if (isDir(node)) throw new FsError("IsDir", "is a directory", { path: p });
    if (node.writer) throw vfsError("PermissionDenied", E.EBUSY, "file is being written without the cache", p);
    if (node.item) await this.cache.remove(node.item);
    if (node.entry?.kind === "file") {
      await node.entry.remove().catch((err: unknown) => {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      });
    }
    this.dirs.delete(p);
  }

  async rename(from: string, to: string): Promise<void> {
    const src = cleanRemote(from);
    const dst = cleanRemote(to);
    if (this.options.readOnly) throw readOnlyError(src);
    if (src === dst) return;
    if (src === "" || relativeTo(src, dst) !== undefined) {
      throw vfsError("Usage", E.EINVAL, "can't move a directory into itself", src);
    }
    const node = await this.node(src);
    if (!exists(node)) throw objectNotFound(src);
    if (node.writer) throw vfsError("PermissionDenied", E.EBUSY, "file is being written without the cache", src);
    await this.dirs.list(parentOf(dst));
    const target = await this.node(dst);
    if (exists(target)) {
      if (isDir(node) !== isDir(target)) {
        throw isDir(target)
          ? new FsError("IsDir", "is a directory", { path: dst })
          : new FsError("IsFile", "not a directory", { path: dst });
      }
      if (isDir(target)) await this.rmdir(dst);
      else await this.unlink(dst);
    }
    if (isDir(node)) await this.renameDir(src, dst);
    else await this.renameFile(src, dst, node);
  }

  async truncate(path: string, size: number): Promise<void> {
    const p = cleanRemote(path);
    if (this.options.readOnly) throw readOnlyError(p);
    const node = await this.node(p);
    if (!exists(node)) throw objectNotFound(p);
    if (isDir(node)) throw new FsError("IsDir", "is a directory", { path: p });
    if (node.writer) return node.writer.truncate(size);
    if (node.item || this.options.cacheMode === "writes" || this.options.cacheMode === "full") {
      const handle = await this.open(p, {
        read: false,
        write: true,
        create: false,
        exclusive: false,
        truncate: false,
        append: false,
      });
      try {
        await handle.truncate(size);
      } finally {
        await handle.release();
      }
      return;
    }
    const obj = node.entry as FsObject;
    if (obj.size === size) return;
    if (size !== 0) {
      throw vfsError("PermissionDenied", E.EPERM, "can't truncate a file without --vfs-cache-mode >= writes", p);
    }
    const emptied = await rcat(this.fs, p, fromBytes(new Uint8Array(0)), { size: 0 });
    if (emptied) this.dirs.set(emptied);
  }

  async setModTime(path: string, mtime: Date): Promise<void> {
    const p = cleanRemote(path);
    if (this.options.readOnly) throw readOnlyError(p);
    const node = await this.node(p);
    if (!exists(node)) throw objectNotFound(p);
    if (isDir(node)) {
      // As rclone: a directory's modtime is kept in the VFS only.
      this.dirs.set({ kind: "dir", remote: p, modTime: mtime });
      return;
    }
    if (node.item) {
      await this.cache.setModTime(node.item, mtime);
      if (node.item.dirty) return;
    }
    if (node.entry?.kind !== "file") return;
    try {
      await node.entry.setModTime(mtime);
    } catch (err) {
      // As rclone: a remote that cannot set modtimes keeps its own.
      if (isFsError(err, "NotImplemented")) return;
      throw err;
    }
    const fresh = await this.fs.newObject(p);
    this.dirs.set(fresh);
    if (node.item && !node.item.dirty) node.item.source = fresh;
  }

  async statfs(): Promise<VfsUsage> {
    const about = this.fs.features.about;
    if (!about) return {};
    const { total, used, free } = await about();
    return { total, used, free };
  }

  sync(): Promise<void> {
    return this.cache.sync();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.writers.values()].map((w) => w.release()));
    await this.cache.close();
  }

  private async node(path: string): Promise<Node> {
    const item = this.cache.items.get(path);
    const writer = this.writers.get(path);
    if (!item && !writer) return { entry: await this.dirs.lookup(path) };
    // A file written here may have a remote version too (to remove or move along with it).
    const entry = await this.dirs.lookup(path).catch(() => undefined);
    return { item, writer, entry: entry?.kind === "file" ? entry : undefined };
  }

  private attr(node: Node): VfsAttr {
    const { umask } = this.options;
    if (node.item) return attrOf("file", node.item.size, node.item.mtime, umask);
    if (node.writer) return attrOf("file", node.writer.written, node.writer.mtime, umask);
    const entry = node.entry as Entry;
    return attrOf(entry.kind, entry.kind === "file" ? entry.size : 0, entry.modTime, umask);
  }

  private cachedHandle(item: CacheItem, flags: OpenFlags): VfsHandle {
    return new CachedHandle(item, flags, this.options.readAhead, (i, writer) => this.cache.release(i, writer));
  }

  private streamWriter(path: string, node: Node, flags: OpenFlags): VfsHandle {
    const obj = node.entry as FsObject | undefined;
    if (obj && obj.size > 0 && !flags.truncate) {
      throw vfsError(
        "PermissionDenied",
        E.EPERM,
        "can't open an existing file for write without O_TRUNC without --vfs-cache-mode >= writes",
        path,
      );
    }
    const handle = new StreamWriteHandle(this.fs, path, (h, uploaded) => {
      if (this.writers.get(path) === h) this.writers.delete(path);
      if (uploaded) this.dirs.set(uploaded);
    });
    this.writers.set(path, handle);
    return handle;
  }

  private async renameFile(from: string, to: string, node: Node): Promise<void> {
    if (node.item?.source || node.entry?.kind === "file") {
      const obj = (node.entry as FsObject | undefined) ?? (await this.remoteFile(from));
      if (obj) {
        const moved = await moveFile(obj, this.fs, to);
        this.dirs.set(moved);
        if (node.item && !node.item.dirty) node.item.source = moved;
      }
    }
    this.dirs.delete(from);
    if (node.item) await this.cache.rename(node.item, to);
  }

  /** The remote file at `path`, or undefined when the remote has none (yet). */
  private async remoteFile(path: string): Promise<FsObject | undefined> {
    const entry = await this.dirs.lookup(path);
    return entry?.kind === "file" ? entry : undefined;
  }

  private async renameDir(from: string, to: string): Promise<void> {
    const dirMove = this.fs.features.dirMove;
    let moved = false;
    if (dirMove) {
      try {
        await dirMove(this.fs, from, to);
        moved = true;
      } catch (err) {
        if (!isFsError(err, "CantDirMove", "NotImplemented")) throw err;
      }
    }
    if (!moved) await this.moveTree(from, to);
    for (const item of [...this.cache.items.values()]) {
      const rel = relativeTo(from, item.path);
      if (rel !== undefined) await this.cache.rename(item, joinRemote(to, rel));
    }
    this.dirs.delete(from);
    this.dirs.forget(to);
    this.dirs.set({ kind: "dir", remote: to, modTime: new Date() });
  }

  /** Moves a directory file by file (server-side where the remote can, else copy and delete). */
  private async moveTree(from: string, to: string): Promise<void> {
    await this.fs.mkdir(to);
    for (const entry of await this.fs.list(from)) {
      const dest = joinRemote(to, baseName(entry.remote));
      if (entry.kind === "dir") await this.moveTree(entry.remote, dest);
      else await moveFile(entry, this.fs, dest);
    }
    await this.fs.rmdir(from);
  }
}
