/**
 * The memory backend: one store per process, so every `:memory:` and named memory remote sees the
 * same files (as rclone's memory backend). Writes collect the body and create the file at the end,
 * so a body that fails part-way leaves nothing behind.
 */
import { resolveRange } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import { HASH_TYPES, type HashType, hashBytes } from "../../fs/hashes.js";
import { cleanRemote, joinRemote, parentOf } from "../../fs/path.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, OpenOptions } from "../../fs/types.js";
import { MemFile, MemStore } from "./store.js";

const store = new MemStore();
const READ_CHUNK = 1 << 20;
const EMPTY = new Uint8Array(0);

export class MemoryFs implements Fs {
  readonly hashes: ReadonlySet<HashType> = new Set(HASH_TYPES);
  // Modtimes are kept as milliseconds since the epoch.
  readonly precision = 1_000_000;
  readonly features;
  readonly root: string;

  constructor(
    readonly name: string,
    root: string,
  ) {
    this.root = cleanRemote(root.replace(/^\/+/, ""));
    this.features = fillFeatures(this, { canHaveEmptyDirs: true });
  }

  toString(): string {
    return `${this.name}:${this.root}`;
  }

  /** The store path of a remote. */
  path(remote: string): string {
    return joinRemote(this.root, remote);
  }

  async list(dir: string): Promise<Entry[]> {
    const d = store.dir(this.path(dir));
    if (!d) throw new FsError("DirNotFound", "directory not found", { path: dir });
    // In name order, as a disk lists them, so listings do not depend on the order of writes.
    const names = [...d.dirs.keys(), ...d.files.keys()].sort();
    return names.map((name) => {
      const remote = joinRemote(dir, name);
      const sub = d.dirs.get(name);
      if (sub) return { kind: "dir", remote, modTime: new Date(sub.mtime) };
      const f = d.files.get(name) as MemFile;
      return new MemoryObject(this, remote, f.data.length, new Date(f.mtime));
    });
  }

  async newObject(remote: string): Promise<FsObject> {
    const p = this.path(remote);
    const f = store.file(p);
    if (!f) {
      if (store.dir(p)) throw new FsError("IsDir", "is a directory", { path: remote });
      throw new FsError("ObjectNotFound", "object not found", { path: remote });
    }
    return new MemoryObject(this, remote, f.data.length, new Date(f.mtime));
  }

  async put(body: Body, src: ObjectInfo, options?: CallOptions): Promise<FsObject> {
    const parts: Uint8Array[] = [];
    for await (const part of body) {
      options?.signal?.throwIfAborted();
      parts.push(part);
    }
    // A signal that fired during the last chunk must still stop the write.
    options?.signal?.throwIfAborted();
    // Empty files, a large share of big trees, all share one array.
    const data = parts.length === 0 ? EMPTY : Buffer.concat(parts);
    if (src.size >= 0 && data.length !== src.size) {
      throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${data.length}`, { path: src.remote });
    }
    store.putFile(this.path(src.remote), new MemFile(data, src.modTime.getTime()), src.remote);
    return new MemoryObject(this, src.remote, data.length, src.modTime);
  }

  putStream(body: Body, src: ObjectInfo, options?: CallOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  async mkdir(dir: string): Promise<void> {
    store.mkdirs(this.path(dir), dir);
  }

  async rmdir(dir: string): Promise<void> {
    const p = this.path(dir);
    const d = store.dir(p);
    if (!d) {
      if (store.file(p)) throw new FsError("IsFile", "is a file, not a directory", { path: dir });
      throw new FsError("DirNotFound", "directory not found", { path: dir });
    }
    if (!d.empty) throw new FsError("DirNotEmpty", "directory not empty", { path: dir });
    // The store's own top stays; an empty one is as good as removed.
    if (p !== "") store.takeDir(p);
  }

  async copy(src: FsObject, remote: string): Promise<FsObject> {
    const f = this.sameStore(src, "CantCopy");
    // Contents are never changed in place, so the copy shares the bytes.
    store.putFile(this.path(remote), new MemFile(f.data, src.modTime.getTime()), remote);
    return new MemoryObject(this, remote, f.data.length, src.modTime);
  }

  async move(src: FsObject, remote: string): Promise<FsObject> {
    const f = this.sameStore(src, "CantMove");
    const from = (src as MemoryObject).fs.path(src.remote);
    const to = this.path(remote);
    if (from !== to) {
      store.putFile(to, f, remote);
      store.removeFile(from);
    }
    return new MemoryObject(this, remote, f.data.length, new Date(f.mtime));
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string): Promise<void> {
    if (!(src instanceof MemoryFs)) throw new FsError("CantDirMove", "source is not a memory remote");
    const to = this.path(dstRemote);
    if (store.dir(to) || store.file(to)) throw new FsError("AlreadyExists", "destination exists", { path: dstRemote });
    const from = src.path(srcRemote);
    if (to.startsWith(`${from}/`)) throw new FsError("CantDirMove", "cannot move a directory into itself");
    store.mkdirs(parentOf(to), dstRemote);
    const moved = store.takeDir(from);
    if (!moved) throw new FsError("DirNotFound", "directory not found", { path: srcRemote });
    store.attachDir(to, moved, dstRemote);
  }

  async purge(dir: string): Promise<void> {
    const p = this.path(dir);
    if (!store.dir(p)) throw new FsError("DirNotFound", "directory not found", { path: dir });
    store.takeDir(p);
  }

  /** The stored file behind `src`, when it is a memory object (any memory remote: one store). */
  private sameStore(src: FsObject, code: "CantCopy" | "CantMove"): MemFile {
    if (!(src instanceof MemoryObject)) throw new FsError(code, "source is not a memory object", { path: src.remote });
    return src.stored();
  }
}

class MemoryObject implements FsObject {
  readonly kind = "file";
  constructor(
    readonly fs: MemoryFs,
    readonly remote: string,
    readonly size: number,
    public modTime: Date,
  ) {}

  /** The file as stored now; `ObjectNotFound` once it is gone. */
  stored(): MemFile {
    const f = store.file(this.fs.path(this.remote));
    if (!f) throw new FsError("ObjectNotFound", "object not found", { path: this.remote });
    return f;
  }

  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    const data = this.stored().data;
    const stop = Math.min(end, data.length);
    return (async function* () {
      // Copies, as a yielded chunk belongs to the consumer and the stored bytes must not change
      // (the typed array's slice: a Buffer's own slice is a view).
      for (let at = start; at < stop; at += READ_CHUNK) {
        yield Uint8Array.prototype.slice.call(data, at, Math.min(at + READ_CHUNK, stop));
      }
    })();
  }

  async remove(): Promise<void> {
    if (!store.removeFile(this.fs.path(this.remote))) {
      throw new FsError("ObjectNotFound", "object not found", { path: this.remote });
    }
  }

  async setModTime(modTime: Date): Promise<void> {
    this.stored().mtime = modTime.getTime();
    this.modTime = modTime;
  }

  async hash(type: HashType, _options?: CallOptions): Promise<string> {
    return hashBytes(type, this.stored().data);
  }
}
