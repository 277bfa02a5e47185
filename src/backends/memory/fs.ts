/**
 * The memory backend: one memfs volume per process, so every `:memory:` and named memory remote sees
 * the same store (as rclone's memory backend). Writes collect the body and create the file at the end,
 * so a body that fails part-way leaves nothing behind.
 */
import { Volume } from "memfs";
import { resolveRange } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import { HASH_TYPES, type HashType, hashBytes } from "../../fs/hashes.js";
import { cleanRemote, joinRemote, parentOf } from "../../fs/path.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, OpenOptions } from "../../fs/types.js";
import { fromErrno } from "../errno.js";

const volume = new Volume();
const READ_CHUNK = 1 << 20;

/** Drops every memory remote's contents (tests). */
export function resetMemoryStore(): void {
  volume.reset();
}

export class MemoryFs implements Fs {
  readonly hashes: ReadonlySet<HashType> = new Set(HASH_TYPES);
  // memfs keeps modtimes as JavaScript Dates.
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

  /** The volume path of a remote. */
  native(remote: string): string {
    return `/${joinRemote(this.root, remote)}`;
  }

  async list(dir: string): Promise<Entry[]> {
    const p = this.native(dir);
    let names: string[];
    try {
      if (!volume.statSync(p).isDirectory()) throw new FsError("DirNotFound", "is a file", { path: dir });
      names = volume.readdirSync(p) as string[];
    } catch (err) {
      throw fromErrno(err, dir, "dir");
    }
    return names.map((n) => {
      const remote = joinRemote(dir, n);
      const st = volume.statSync(`${p === "/" ? "" : p}/${n}`);
      return st.isDirectory()
        ? { kind: "dir" as const, remote, modTime: st.mtime }
        : new MemoryObject(this, remote, st.size, st.mtime);
    });
  }

  async newObject(remote: string): Promise<FsObject> {
    try {
      const st = volume.statSync(this.native(remote));
      if (st.isDirectory()) throw new FsError("IsDir", "is a directory", { path: remote });
      return new MemoryObject(this, remote, st.size, st.mtime);
    } catch (err) {
      throw fromErrno(err, remote, "file");
    }
  }

  async put(body: Body, src: ObjectInfo, options?: CallOptions): Promise<FsObject> {
    const parts: Uint8Array[] = [];
    for await (const part of body) {
      options?.signal?.throwIfAborted();
      parts.push(part);
    }
    // A signal that fired during the last chunk must still stop the write.
    options?.signal?.throwIfAborted();
    const data = Buffer.concat(parts);
    if (src.size >= 0 && data.length !== src.size) {
      throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${data.length}`, { path: src.remote });
    }
    const p = this.native(src.remote);
    try {
      this.mkdirs(parentOf(src.remote));
      if (volume.existsSync(p) && volume.statSync(p).isDirectory()) {
        throw new FsError("IsDir", "is a directory", { path: src.remote });
      }
      volume.writeFileSync(p, data);
      volume.utimesSync(p, src.modTime, src.modTime);
    } catch (err) {
      throw fromErrno(err, src.remote, "file");
    }
    return new MemoryObject(this, src.remote, data.length, src.modTime);
  }

  putStream(body: Body, src: ObjectInfo, options?: CallOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  async mkdir(dir: string): Promise<void> {
    try {
      this.mkdirs(dir);
    } catch (err) {
      throw fromErrno(err, dir, "dir");
    }
  }

  private mkdirs(dir: string): void {
    const p = this.native(dir);
    if (volume.existsSync(p)) {
      if (!volume.statSync(p).isDirectory()) throw new FsError("IsFile", "is a file, not a directory", { path: dir });
      return;
    }
    volume.mkdirSync(p, { recursive: true });
  }

  async rmdir(dir: string): Promise<void> {
    const p = this.native(dir);
    try {
      if (!volume.statSync(p).isDirectory()) throw new FsError("IsFile", "is a file, not a directory", { path: dir });
      if (dir === "" && this.root === "") {
        if ((volume.readdirSync(p) as string[]).length > 0)
          throw new FsError("DirNotEmpty", "directory not empty", { path: dir });
        return;
      }
      volume.rmdirSync(p);
    } catch (err) {
      throw fromErrno(err, dir, "dir");
    }
  }

  async copy(src: FsObject, remote: string): Promise<FsObject> {
    const from = this.sameStore(src, "CantCopy");
    const to = this.native(remote);
    try {
      this.mkdirs(parentOf(remote));
      volume.copyFileSync(from, to);
      volume.utimesSync(to, src.modTime, src.modTime);
    } catch (err) {
      throw fromErrno(err, remote, "file");
    }
    return new MemoryObject(this, remote, src.size, src.modTime);
  }

  async move(src: FsObject, remote: string): Promise<FsObject> {
    const from = this.sameStore(src, "CantMove");
    try {
      this.mkdirs(parentOf(remote));
      volume.renameSync(from, this.native(remote));
    } catch (err) {
      throw fromErrno(err, remote, "file");
    }
    return new MemoryObject(this, remote, src.size, src.modTime);
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string): Promise<void> {
    if (!(src instanceof MemoryFs)) throw new FsError("CantDirMove", "source is not a memory remote");
    const to = this.native(dstRemote);
    if (volume.existsSync(to)) throw new FsError("AlreadyExists", "destination exists", { path: dstRemote });
    try {
      this.mkdirs(parentOf(dstRemote));
      volume.renameSync(src.native(srcRemote), to);
    } catch (err) {
      throw fromErrno(err, srcRemote, "dir");
    }
  }

  async purge(dir: string): Promise<void> {
    const p = this.native(dir);
    if (!volume.existsSync(p)) throw new FsError("DirNotFound", "directory not found", { path: dir });
    volume.rmSync(p, { recursive: true });
  }

  private sameStore(src: FsObject, code: "CantCopy" | "CantMove"): string {
    if (!(src instanceof MemoryObject)) throw new FsError(code, "source is not a memory object", { path: src.remote });
    return src.fs.native(src.remote);
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

  private get path(): string {
    return this.fs.native(this.remote);
  }

  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    let fd: number;
    try {
      fd = volume.openSync(this.path, "r");
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
    return (async function* () {
      try {
        for (let at = start; at < end; ) {
          const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - at));
          const n = volume.readSync(fd, buf, 0, buf.length, at);
          if (n === 0) return;
          at += n;
          yield buf.subarray(0, n);
        }
      } finally {
        volume.closeSync(fd);
      }
    })();
  }

  async remove(): Promise<void> {
    try {
      volume.unlinkSync(this.path);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
  }

  async setModTime(modTime: Date): Promise<void> {
    try {
      volume.utimesSync(this.path, modTime, modTime);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
    this.modTime = modTime;
  }

  async hash(type: HashType, _options?: CallOptions): Promise<string> {
    try {
      return hashBytes(type, volume.readFileSync(this.path) as Buffer);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
  }
}
