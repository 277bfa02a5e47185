/**
 * One FUSE session: decodes each kernel request, serves it from a `Vfs` and answers. Requests are
 * served concurrently (the kernel numbers them; answers may go in any order). An operation we do not
 * implement (links, xattrs, locks, …) is answered ENOSYS, which also tells the kernel not to ask again.
 */
import { constants } from "node:os";
import { FsError } from "../../fs/errors.js";
import { errnoOf, vfsError } from "../errno.js";
import type { OpenFlags, Vfs, VfsAttr, VfsDirEntry, VfsHandle } from "../types.js";
import type { FuseDevice } from "./device.js";
import { InodeTable } from "./inodes.js";
import {
  attrOut,
  cString,
  dirent,
  direntPlus,
  entryOut,
  IN_HEADER_SIZE,
  initOut,
  NO_ENTRY,
  Op,
  type Owner,
  openOut,
  outHeader,
  parseHeader,
  RENAME_NOREPLACE,
  type RequestHeader,
  SetattrValid,
  statfsOut,
  writeOut,
} from "./protocol.js";

const E = constants.errno;

/** Largest WRITE the kernel sends us (and so the size of one request buffer, less its header). */
export const MAX_WRITE = 1 << 20;
/** Room for the request header and a WRITE's own fields on top of its data. */
export const REQUEST_BUFFER_SIZE = MAX_WRITE + 4096;

/** What the size of an unknown remote is said to be (rclone reports 1 PiB free when it cannot tell). */
const UNKNOWN_SIZE = 2 ** 50;

export interface SessionOptions {
  /** How long the kernel may trust names and attributes, in ms (rclone's `--attr-timeout`, 1 s). */
  attrTimeout: number;
}

/** Requests served, failed, and data bytes moved: for `-v` stats and /metrics. */
export interface SessionCounters {
  requests: number;
  errors: number;
  bytesRead: number;
  bytesWritten: number;
}

interface DirListing {
  path: string;
  entries: { name: string; path: string; attr: VfsAttr }[];
}

function childPath(parent: string, name: string): string {
  if (name.includes("/") || name === "" || name === "." || name === "..") {
    throw new FsError("Usage", `bad name in request: "${name}"`);
  }
  return parent === "" ? name : `${parent}/${name}`;
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** open(2) flags as the VFS takes them. */
export function decodeOpenFlags(flags: number): OpenFlags {
  const mode = flags & 3;
  return {
    read: mode === 0 || mode === 2,
    write: mode === 1 || mode === 2,
    create: (flags & 0o100) !== 0,
    exclusive: (flags & 0o200) !== 0,
    truncate: (flags & 0o1000) !== 0,
    append: (flags & 0o2000) !== 0,
  };
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export class FuseSession {
  readonly counters: SessionCounters = { requests: 0, errors: 0, bytesRead: 0, bytesWritten: 0 };
  private readonly inodes = new InodeTable();
  private readonly files = new Map<bigint, VfsHandle>();
  private readonly dirs = new Map<bigint, DirListing>();
  /** Releases being served: the kernel sends RELEASE without waiting for its answer (see `releasesBefore`). */
  private readonly releasing = new Set<Promise<void>>();
  private nextHandle = 1n;
  private readonly owner: Owner;

  constructor(
    private readonly vfs: Vfs,
    private readonly device: FuseDevice,
    private readonly options: SessionOptions,
  ) {
    this.owner = { uid: vfs.options.uid, gid: vfs.options.gid };
  }

  /** Serves one request read from the device. */
  handle(buf: Buffer): void {
    const header = parseHeader(buf);
    const body = buf.subarray(IN_HEADER_SIZE, header.length);
    this.counters.requests++;
    this.serve(header, body).then(
      (payload) => {
        if (payload !== undefined) this.device.reply([outHeader(header.unique, 0, length(payload)), ...payload]);
      },
      (err: unknown) => {
        this.counters.errors++;
        this.device.reply([outHeader(header.unique, -errnoOf(err), 0)]);
      },
    );
  }

  /**
   * Waits for the releases being served and releases every handle the kernel did not (the mount
   * went away under open files), so that closing the Vfs next finds every written file queued.
   */
  async releaseAll(): Promise<void> {
    const open = [...this.files.values()];
    this.files.clear();
    this.dirs.clear();
    await Promise.allSettled([...this.releasing, ...open.map((h) => h.release())]);
  }

  /** The reply payload, or undefined for requests that get none (FORGET, INTERRUPT). */
  private async serve(h: RequestHeader, body: Buffer): Promise<Buffer[] | undefined> {
    switch (h.opcode) {
      case Op.INIT:
        return [initOut(body.readUInt32LE(12), body.readUInt32LE(8), MAX_WRITE)];
      case Op.DESTROY:
        return [];
      case Op.FORGET:
        this.inodes.forget(h.nodeid, body.readBigUInt64LE(0));
        return undefined;
      case Op.BATCH_FORGET:
        for (let i = 0, n = body.readUInt32LE(0); i < n; i++) {
          this.inodes.forget(body.readBigUInt64LE(8 + i * 16), body.readBigUInt64LE(16 + i * 16));
        }
        return undefined;
      case Op.INTERRUPT:
        // The VFS calls take no signal: the interrupted request finishes and is answered normally.
        return undefined;
      case Op.LOOKUP:
        return [await this.entry(childPath(this.pathOf(h), cString(body, 0).text))];
      case Op.GETATTR: {
        const path = this.pathOf(h);
        return [attrOut(h.nodeid, await this.vfs.stat(path), this.owner, this.options.attrTimeout)];
      }
      case Op.SETATTR:
        return [await this.setattr(h, body)];
      case Op.MKDIR: {
        const path = childPath(this.pathOf(h), cString(body, 8).text);
        await this.vfs.mkdir(path);
        return [await this.entry(path)];
      }
      case Op.UNLINK:
      case Op.RMDIR: {
        const path = childPath(this.pathOf(h), cString(body, 0).text);
        await this.releasesBefore();
        await (h.opcode === Op.UNLINK ? this.vfs.unlink(path) : this.vfs.rmdir(path));
        this.inodes.removed(path);
        return [];
      }
      case Op.RENAME:
        await this.rename(h, body.readBigUInt64LE(0), body, 8, 0);
        return [];
      case Op.RENAME2:
        await this.rename(h, body.readBigUInt64LE(0), body, 16, body.readUInt32LE(8));
        return [];
      case Op.OPEN: {
        const handle = await this.vfs.open(this.pathOf(h), decodeOpenFlags(body.readUInt32LE(0)));
        return [openOut(this.addFile(handle))];
      }
      case Op.CREATE: {
        const path = childPath(this.pathOf(h), cString(body, 16).text);
        const handle = await this.vfs.open(path, { ...decodeOpenFlags(body.readUInt32LE(0)), create: true });
        const fh = this.addFile(handle);
        return [await this.entry(path), openOut(fh)];
      }
      case Op.READ: {
        const data = await this.file(body).read(Number(body.readBigUInt64LE(8)), body.readUInt32LE(16));
        this.counters.bytesRead += data.byteLength;
        return [asBuffer(data)];
      }
      case Op.WRITE: {
        const size = body.readUInt32LE(16);
        const n = await this.file(body).write(Number(body.readBigUInt64LE(8)), body.subarray(40, 40 + size));
        this.counters.bytesWritten += n;
        return [writeOut(n)];
      }
      case Op.FLUSH:
      case Op.FSYNC:
        await this.file(body).flush();
        return [];
      case Op.RELEASE: {
        const handle = this.file(body);
        this.files.delete(body.readBigUInt64LE(0));
        const released = handle.release();
        this.releasing.add(released);
        try {
          await released;
        } finally {
          this.releasing.delete(released);
        }
        return [];
      }
      case Op.OPENDIR:
        return [openOut(await this.openDir(this.pathOf(h)))];
      case Op.READDIR:
      case Op.READDIRPLUS:
        return [this.readDir(body, h.opcode === Op.READDIRPLUS)];
      case Op.RELEASEDIR:
        this.dirs.delete(body.readBigUInt64LE(0));
        return [];
      case Op.FSYNCDIR:
      case Op.ACCESS:
        // Permissions are the kernel's to check (default_permissions) or nobody's, as in rclone.
        return [];
      case Op.STATFS: {
        const usage = await this.vfs.statfs();
        const total = usage.total ?? UNKNOWN_SIZE;
        const free = usage.free ?? (usage.used !== undefined ? Math.max(0, total - usage.used) : UNKNOWN_SIZE);
        return [statfsOut(total, free)];
      }
      default:
        throw vfsError("NotImplemented", E.ENOSYS, `FUSE opcode ${h.opcode} not implemented`);
    }
  }

  private pathOf(h: RequestHeader): string {
    const path = this.inodes.path(h.nodeid);
    if (path === undefined) throw vfsError("Other", E.ESTALE, `unknown node ${h.nodeid}`);
    return path;
  }

  private async entry(path: string): Promise<Buffer> {
    const attr = await this.vfs.stat(path);
    return entryOut(this.inodes.lookup(path), attr, this.owner, this.options.attrTimeout);
  }

  private addFile(handle: VfsHandle): bigint {
    const fh = this.nextHandle++;
    this.files.set(fh, handle);
    return fh;
  }

  private file(body: Buffer): VfsHandle {
    const handle = this.files.get(body.readBigUInt64LE(0));
    if (!handle) throw vfsError("Other", E.EBADF, "bad file handle");
    return handle;
  }

  private async setattr(h: RequestHeader, body: Buffer): Promise<Buffer> {
    const path = this.pathOf(h);
    const valid = body.readUInt32LE(0);
    if (valid & SetattrValid.SIZE) {
      const size = Number(body.readBigUInt64LE(16));
      const handle = valid & SetattrValid.FH ? this.files.get(body.readBigUInt64LE(8)) : undefined;
      await (handle ? handle.truncate(size) : this.vfs.truncate(path, size));
    }
    if (valid & (SetattrValid.MTIME | SetattrValid.MTIME_NOW)) {
      // To the nearest millisecond: utimes(2) callers passing float seconds land just below it.
      const mtime =
        valid & SetattrValid.MTIME_NOW
          ? new Date()
          : new Date(Number(body.readBigUInt64LE(40)) * 1000 + Math.round(body.readUInt32LE(60) / 1_000_000));
      await this.vfs.setModTime(path, mtime);
    }
    // Mode, owner and atime changes are accepted and not kept: the remote has no place for them (as rclone).
    return attrOut(h.nodeid, await this.vfs.stat(path), this.owner, this.options.attrTimeout);
  }

  private async rename(h: RequestHeader, newDir: bigint, body: Buffer, namesAt: number, flags: number): Promise<void> {
    if (flags & ~RENAME_NOREPLACE) throw vfsError("Usage", E.EINVAL, `rename flags ${flags} not supported`);
    const from = cString(body, namesAt);
    const to = cString(body, from.end);
    const target = this.inodes.path(newDir);
    if (target === undefined) throw vfsError("Other", E.ESTALE, `unknown node ${newDir}`);
    const source = childPath(this.pathOf(h), from.text);
    const dest = childPath(target, to.text);
    await this.releasesBefore();
    if (flags & RENAME_NOREPLACE && (await this.exists(dest))) {
      throw new FsError("AlreadyExists", "rename target exists", { path: dest });
    }
    await this.vfs.rename(source, dest);
    this.inodes.rename(source, dest);
  }

  /**
   * Waits for the releases already received. close(2) returns before the kernel's RELEASE is served,
   * so a program's close-then-unlink (sqlite's journal) or close-then-rename (rsync's temporary file)
   * would otherwise reach the Vfs in the other order, unlinking or renaming a file still open.
   */
  private async releasesBefore(): Promise<void> {
    if (this.releasing.size > 0) await Promise.allSettled([...this.releasing]);
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.vfs.stat(path);
      return true;
    } catch (err) {
      if (errnoOf(err) === E.ENOENT) return false;
      throw err;
    }
  }

  private async openDir(path: string): Promise<bigint> {
    const listed: VfsDirEntry[] = await this.vfs.readdir(path);
    const self = await this.vfs.stat(path);
    const up = path === "" ? self : await this.vfs.stat(parentOf(path));
    const entries = [
      { name: ".", path, attr: self },
      { name: "..", path: parentOf(path), attr: up },
      ...listed.map((e) => ({ name: e.name, path: path === "" ? e.name : `${path}/${e.name}`, attr: e.attr })),
    ];
    const fh = this.nextHandle++;
    this.dirs.set(fh, { path, entries });
    return fh;
  }

  /** Entries from the offset asked for (an index into the listing taken at OPENDIR) while they fit. */
  private readDir(body: Buffer, plus: boolean): Buffer {
    const listing = this.dirs.get(body.readBigUInt64LE(0));
    if (!listing) throw vfsError("Other", E.EBADF, "bad directory handle");
    const start = Number(body.readBigUInt64LE(8));
    let room = body.readUInt32LE(16);
    const out: Buffer[] = [];
    for (let i = start; i < listing.entries.length; i++) {
      const e = listing.entries[i];
      const dot = e.name === "." || e.name === "..";
      const ino = this.inodes.idOf(e.path);
      const rec = plus
        ? direntPlus(
            dot ? NO_ENTRY : entryOut(ino, e.attr, this.owner, this.options.attrTimeout),
            ino,
            i + 1,
            e.name,
            e.attr,
            room,
          )
        : dirent(ino, i + 1, e.name, e.attr, room);
      if (!rec) break;
      // An entry the kernel receives with a node id counts as a lookup of it.
      if (plus && !dot) this.inodes.lookup(e.path);
      out.push(rec);
      room -= rec.length;
    }
    return Buffer.concat(out);
  }
}

function length(parts: Buffer[]): number {
  return parts.reduce((n, p) => n + p.length, 0);
}
