/**
 * The memory backend's store: a tree of directories holding files as byte arrays. It is built for
 * many small entries (a file costs one map slot and one two-field record, about 100 bytes with its
 * name), because a sync of a million files into `:memory:` must fit in a few hundred MiB.
 *
 * File contents are never changed in place: a write replaces the array, so a copy may share it and
 * a reader that started before an overwrite keeps reading the bytes it started with.
 */
import { FsError } from "../../fs/errors.js";

/** One file: its bytes and its modtime in milliseconds since the epoch. */
export class MemFile {
  constructor(
    public data: Uint8Array,
    public mtime: number,
  ) {}
}

export class MemDir {
  readonly files = new Map<string, MemFile>();
  readonly dirs = new Map<string, MemDir>();
  constructor(public mtime: number) {}

  get empty(): boolean {
    return this.files.size === 0 && this.dirs.size === 0;
  }
}

const segments = (path: string) => (path === "" ? [] : path.split("/"));

/** The last segment of a path and its parent's segments. */
function split(path: string): { parent: string[]; leaf: string } {
  const parts = segments(path);
  return { parent: parts.slice(0, -1), leaf: parts.at(-1) ?? "" };
}

/** One process-wide tree; paths are slash-separated, without leading or trailing slashes. */
export class MemStore {
  private top = new MemDir(Date.now());

  /** The directory at `path`, or undefined when it, or a parent, is missing or a file. */
  dir(path: string): MemDir | undefined {
    let d: MemDir | undefined = this.top;
    for (const s of segments(path)) {
      d = d.dirs.get(s);
      if (!d) return undefined;
    }
    return d;
  }

  file(path: string): MemFile | undefined {
    const { parent, leaf } = split(path);
    return this.dir(parent.join("/"))?.files.get(leaf);
  }

  /**
   * Makes `path` and its parents directories; throws `IsFile` (with `remote` as its path) when one
   * of them is a file.
   */
  mkdirs(path: string, remote: string): MemDir {
    let d = this.top;
    for (const s of segments(path)) {
      if (d.files.has(s)) throw new FsError("IsFile", "is a file, not a directory", { path: remote });
      let next = d.dirs.get(s);
      if (!next) {
        next = new MemDir(Date.now());
        d.dirs.set(s, next);
      }
      d = next;
    }
    return d;
  }

  /** Stores `file` at `path`, creating parents; throws `IsDir` when `path` is a directory. */
  putFile(path: string, file: MemFile, remote: string): void {
    const { parent, leaf } = split(path);
    const d = this.mkdirs(parent.join("/"), remote);
    if (d.dirs.has(leaf)) throw new FsError("IsDir", "is a directory", { path: remote });
    d.files.set(leaf, file);
  }

  /** Removes the file at `path`; false when there was none. */
  removeFile(path: string): boolean {
    const { parent, leaf } = split(path);
    return this.dir(parent.join("/"))?.files.delete(leaf) ?? false;
  }

  /** Detaches the directory at `path` (the whole tree at `""`); undefined when there is none. */
  takeDir(path: string): MemDir | undefined {
    if (path === "") {
      const all = this.top;
      this.top = new MemDir(Date.now());
      return all;
    }
    const { parent, leaf } = split(path);
    const p = this.dir(parent.join("/"));
    const d = p?.dirs.get(leaf);
    if (d) p?.dirs.delete(leaf);
    return d;
  }

  /** Puts a detached directory at `path` (which must not exist; its parents are made). */
  attachDir(path: string, d: MemDir, remote: string): void {
    const { parent, leaf } = split(path);
    this.mkdirs(parent.join("/"), remote).dirs.set(leaf, d);
  }
}
