/**
 * The local backend. Writes go to a hidden temporary name in the target directory and are renamed
 * into place, so a killed upload never leaves a partial file under the real name.
 */
import {
  closeSync,
  constants,
  type Dirent,
  futimesSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
} from "node:fs";
import { copyFile, lstat, readdir, rename, rm, rmdir, stat, statfs, unlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { resolveRange } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import { HASH_TYPES, type HashType } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import { joinRemote, parentOf } from "../../fs/path.js";
import type {
  Body,
  Directory,
  Entry,
  Fs,
  FsObject,
  ObjectInfo,
  OpenOptions,
  PutOptions,
  Usage,
} from "../../fs/types.js";
import { UploadHashes } from "../../fs/upload-hashes.js";
import { fromErrno } from "../errno.js";
import { isPartialName, partialName } from "../partial.js";
import { decodeName, encodePath } from "../raw-names.js";
import type { LocalOptions } from "./index.js";
import { hashFile, readRange, writeAll } from "./io.js";

/**
 * The modtime to the millisecond, rounded: a time set through utimes travels as float seconds, so
 * 123 ms is stored as 122.9999 ms and truncating would list it as 122.
 */
const mtimeOf = (st: Stats) => new Date(Math.round(st.mtimeMs));

export class LocalFs implements Fs {
  readonly hashes: ReadonlySet<HashType> = new Set(HASH_TYPES);
  // Modtimes travel as JavaScript Dates: millisecond resolution.
  readonly precision = 1_000_000;
  readonly features;

  constructor(
    readonly name: string,
    readonly root: string,
    private readonly options: LocalOptions,
  ) {
    this.root = join("/", root.startsWith("/") ? root : join(process.cwd(), root));
    // Hashing a local file means reading all of it, so hashes are slow (rclone's local says so too).
    this.features = fillFeatures(this, {
      caseInsensitive: options.case_insensitive,
      serverSideAcrossConfigs: true,
      slowHash: true,
      isLocal: true,
    });
  }

  toString(): string {
    return `Local file system at ${this.root}`;
  }

  /** The OS path of a remote (bytes when the name carries escaped non-UTF-8 bytes). */
  native(remote: string): string | Buffer {
    return encodePath(remote === "" ? this.root : join(this.root, remote));
  }

  async list(dir: string): Promise<Entry[]> {
    const p = this.native(dir);
    let names: string[];
    let dirents: Dirent[];
    try {
      dirents = await readdir(p, { withFileTypes: true });
      names = dirents.map((d) => d.name);
      if (names.some((n) => n.includes("\uFFFD"))) {
        // Node replaced undecodable bytes; read the raw names to keep them distinct and reachable.
        const raw = await readdir(p, { withFileTypes: true, encoding: "buffer" });
        dirents = raw as unknown as Dirent[];
        names = raw.map((d) => decodeName(d.name));
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "ENOENT")
        throw new FsError("DirNotFound", "directory not found", { path: dir });
      throw fromErrno(err, dir, "dir");
    }
    const entries: Entry[] = [];
    for (const [i, d] of dirents.entries()) {
      const e = this.entry(dir, names[i] as string, d);
      if (e) entries.push(e);
    }
    return entries;
  }

  /**
   * One listed name as an entry. Stats are synchronous on purpose: a listing of thousands of files
   * costs a fraction of the thread-pool round trips, and rclone's listings are this fast too.
   */
  private entry(dir: string, name: string, d: Dirent): Entry | undefined {
    if (isPartialName(name)) return undefined;
    const remote = joinRemote(dir, name);
    let st: Stats | undefined;
    try {
      if (d.isSymbolicLink()) {
        if (!this.options.copy_links) {
          if (!this.options.skip_links) log.notice(remote, "Can't follow symlink without -L/--copy-links");
          return undefined;
        }
        st = statSync(this.native(remote), { throwIfNoEntry: false });
        if (!st) log.notice(remote, "Can't follow dangling symlink");
      } else if (d.isFile() || d.isDirectory()) {
        st = lstatSync(this.native(remote), { throwIfNoEntry: false });
      } else {
        log.notice(remote, "Can't transfer non file/directory");
      }
    } catch (err) {
      throw fromErrno(err, remote, "file");
    }
    if (!st) return undefined;
    if (st.isDirectory()) return { kind: "dir", remote, modTime: mtimeOf(st) } satisfies Directory;
    return new LocalObject(this, remote, st.size, mtimeOf(st));
  }

  async newObject(remote: string): Promise<FsObject> {
    let st: Stats;
    try {
      st = this.options.copy_links ? await stat(this.native(remote)) : await lstat(this.native(remote));
    } catch (err) {
      throw fromErrno(err, remote, "file");
    }
    if (st.isDirectory()) throw new FsError("IsDir", "is a directory", { path: remote });
    if (!st.isFile()) throw new FsError("ObjectNotFound", "not a regular file", { path: remote });
    return new LocalObject(this, remote, st.size, mtimeOf(st));
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    // Hashes asked for are computed from the bytes as they are written, as rclone's local backend
    // does, instead of reading the file back; one the caller computes in flight is taken from it.
    const hashes = new UploadHashes(options?.hashes ?? [], src);
    const parent = parentOf(src.remote);
    const tmp = this.native(joinRemote(parent, partialName()));
    let fd: number | undefined;
    let size = 0;
    try {
      fd = this.createTemp(parent, tmp);
      for await (const part of body) {
        options?.signal?.throwIfAborted();
        await hashes.update(part);
        await writeAll(fd, part);
        size += part.length;
      }
      options?.signal?.throwIfAborted();
      if (src.size >= 0 && size !== src.size) {
        throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${size}`, { path: src.remote });
      }
      if (!this.options.no_set_modtime) futimesSync(fd, src.modTime, src.modTime);
      closeSync(fd);
      fd = undefined;
      const o = this.commit(tmp, src.remote, size, src.modTime);
      for (const [t, digest] of await hashes.digests(options)) o.hashes.set(t, digest);
      return o;
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      await hashes.release();
      rmSync(tmp, { force: true });
      throw fromErrno(err, src.remote, "file");
    }
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /**
   * Directories this Fs made or saw, so writing many files into one directory does not ask the OS
   * to create it each time. Cleared whenever directories are removed or moved.
   */
  readonly knownDirs = new Set<string>();

  private ensureDir(dir: string): void {
    if (this.knownDirs.has(dir)) return;
    try {
      mkdirSync(this.native(dir), { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST" || code === "ENOTDIR")
        throw new FsError("IsFile", "is a file, not a directory", { path: dir });
      throw fromErrno(err, dir, "dir");
    }
    this.knownDirs.add(dir);
  }

  /** Creates the temporary file of an upload (and its directory), returning its descriptor. */
  private createTemp(dir: string, tmp: string | Buffer): number {
    this.ensureDir(dir);
    try {
      return openSync(tmp, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      // Someone removed the directory since we made it.
      this.knownDirs.clear();
      this.ensureDir(dir);
      return openSync(tmp, "wx");
    }
  }

  /** Renames a finished temporary file into place (its modtime is already set). */
  private commit(tmp: string | Buffer, remote: string, size: number, modTime: Date): LocalObject {
    try {
      renameSync(tmp, this.native(remote));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EISDIR" || code === "ENOTEMPTY" || code === "EEXIST") {
        throw new FsError("IsDir", "is a directory", { path: remote });
      }
      throw err;
    }
    const mtime = this.options.no_set_modtime ? mtimeOf(statSync(this.native(remote))) : modTime;
    return new LocalObject(this, remote, size, mtime);
  }

  async mkdir(dir: string): Promise<void> {
    // An explicit mkdir always asks the OS: the directory may have gone since we saw it.
    this.knownDirs.delete(dir);
    this.ensureDir(dir);
  }

  async rmdir(dir: string): Promise<void> {
    this.knownDirs.clear();
    try {
      await rmdir(this.native(dir));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR") throw new FsError("IsFile", "is a file, not a directory", { path: dir });
      throw fromErrno(err, dir, "dir");
    }
  }

  /** Server-side copy through the kernel (copy_file_range / reflink where the filesystem has them). */
  async copy(src: FsObject, remote: string): Promise<FsObject> {
    if (!(src instanceof LocalObject)) {
      throw new FsError("CantCopy", "source is not a local file", { path: src.remote });
    }
    const parent = parentOf(remote);
    this.ensureDir(parent);
    const tmp = this.native(joinRemote(parent, partialName()));
    try {
      await copyFile(src.fs.native(src.remote), tmp, constants.COPYFILE_EXCL);
      if (!this.options.no_set_modtime) await utimes(tmp, src.modTime, src.modTime);
      return this.commit(tmp, remote, src.size, src.modTime).withHashesOf(src);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw fromErrno(err, remote, "file");
    }
  }

  async move(src: FsObject, remote: string): Promise<FsObject> {
    if (!(src instanceof LocalObject)) {
      throw new FsError("CantMove", "source is not a local file", { path: src.remote });
    }
    this.ensureDir(parentOf(remote));
    try {
      await rename(src.fs.native(src.remote), this.native(remote));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EXDEV") throw new FsError("CantMove", "across devices", { path: remote });
      if (code === "EISDIR" || code === "ENOTEMPTY") throw new FsError("IsDir", "is a directory", { path: remote });
      throw fromErrno(err, src.remote, "file");
    }
    return new LocalObject(this, remote, src.size, src.modTime).withHashesOf(src);
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string): Promise<void> {
    if (!(src instanceof LocalFs)) throw new FsError("CantDirMove", "source is not a local remote");
    const to = this.native(dstRemote);
    if (await lstat(to).catch(() => undefined))
      throw new FsError("AlreadyExists", "destination exists", { path: dstRemote });
    this.ensureDir(parentOf(dstRemote));
    this.knownDirs.clear();
    src.knownDirs.clear();
    try {
      await rename(src.native(srcRemote), to);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EXDEV") throw new FsError("CantDirMove", "across devices");
      throw fromErrno(err, srcRemote, "dir");
    }
  }

  async purge(dir: string): Promise<void> {
    const p = this.native(dir);
    const st = await lstat(p).catch(() => undefined);
    if (!st?.isDirectory()) throw new FsError("DirNotFound", "directory not found", { path: dir });
    this.knownDirs.clear();
    await rm(p, { recursive: true });
  }

  async about(): Promise<Usage> {
    const s = await statfs(this.root);
    return { total: s.blocks * s.bsize, used: (s.blocks - s.bfree) * s.bsize, free: s.bavail * s.bsize };
  }

  /** Removes temporary files left by uploads that were killed. */
  async cleanUp(): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      const dirents = await readdir(this.native(dir), { withFileTypes: true }).catch(() => []);
      for (const d of dirents) {
        const remote = joinRemote(dir, d.name);
        if (d.isDirectory()) await walk(remote);
        else if (isPartialName(d.name)) {
          await unlink(this.native(remote));
          log.info(remote, "removed leftover partial upload");
        }
      }
    };
    await walk("");
  }
}

class LocalObject implements FsObject {
  readonly kind = "file";
  /** Hashes computed while this object was written; valid until it is changed. */
  readonly hashes = new Map<HashType, string>();

  /** Takes the hashes `other` already knows: a copy or rename has the same content. */
  withHashesOf(other: LocalObject): this {
    for (const [t, h] of other.hashes) this.hashes.set(t, h);
    return this;
  }
  constructor(
    readonly fs: LocalFs,
    readonly remote: string,
    readonly size: number,
    public modTime: Date,
  ) {}

  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    try {
      return await readRange(this.fs.native(this.remote), start, end);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
  }

  async remove(): Promise<void> {
    try {
      await unlink(this.fs.native(this.remote));
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
  }

  async setModTime(modTime: Date): Promise<void> {
    try {
      await utimes(this.fs.native(this.remote), modTime, modTime);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
    this.modTime = modTime;
  }

  async hash(type: HashType): Promise<string | undefined> {
    const known = this.hashes.get(type);
    if (known !== undefined) return known;
    try {
      return await hashFile(this.fs.native(this.remote), type, this.size);
    } catch (err) {
      throw fromErrno(err, this.remote, "file");
    }
  }
}
