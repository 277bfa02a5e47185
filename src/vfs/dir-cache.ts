/**
 * The directory cache: each directory's listing, trusted for `dirCacheTime` ms (rclone's
 * `--dir-cache-time`). Changes made through the VFS are applied to the cached listings at once, so
 * what was just written, made or removed shows without waiting for the cache to expire.
 */
import { FsError, isFsError } from "../fs/errors.js";
import { baseName, parentOf, relativeTo } from "../fs/path.js";
import type { Directory, Entry, Fs } from "../fs/types.js";

interface Listing {
  entries: Map<string, Entry>;
  expires: number;
}

export class DirCache {
  private readonly listings = new Map<string, Listing>();
  private readonly loading = new Map<string, Promise<Listing>>();
  private readonly rootEntry: Directory = { kind: "dir", remote: "", modTime: new Date() };

  constructor(
    private readonly fs: Fs,
    private readonly ttl: number,
  ) {}

  /**
   * The entries of directory `dir` by name. Throws `DirNotFound` when it (or a parent) is missing,
   * `IsFile` when it (or a parent) is a file.
   */
  async list(dir: string): Promise<ReadonlyMap<string, Entry>> {
    if (dir !== "") {
      const self = await this.lookup(dir);
      if (!self) throw new FsError("DirNotFound", "directory not found", { path: dir });
      if (self.kind === "file") throw new FsError("IsFile", "not a directory", { path: dir });
    }
    const cached = this.listings.get(dir);
    if (cached && cached.expires > Date.now()) return cached.entries;
    let load = this.loading.get(dir);
    if (!load) {
      load = this.load(dir).finally(() => this.loading.delete(dir));
      this.loading.set(dir, load);
    }
    return (await load).entries;
  }

  /** The entry at `path`, or undefined when there is none. Throws `IsFile` when a parent is a file. */
  async lookup(path: string): Promise<Entry | undefined> {
    if (path === "") return this.rootEntry;
    try {
      return (await this.list(parentOf(path))).get(baseName(path));
    } catch (err) {
      if (isFsError(err, "DirNotFound")) return undefined;
      throw err;
    }
  }

  /** Puts `entry` in its directory's cached listing (if that listing is cached), replacing any of its name. */
  set(entry: Entry): void {
    if (entry.remote === "") return;
    this.listings.get(parentOf(entry.remote))?.entries.set(baseName(entry.remote), entry);
  }

  /** Records directory `dir`, just made, as existing and empty (no need to list it). */
  setEmptyDir(dir: Directory): void {
    this.set(dir);
    this.listings.set(dir.remote, { entries: new Map(), expires: Date.now() + this.ttl });
  }

  /** Removes `path` from its directory's cached listing, and forgets its own listings if it was a directory. */
  delete(path: string): void {
    this.listings.get(parentOf(path))?.entries.delete(baseName(path));
    this.forget(path);
  }

  /** Forgets the cached listings of `dir` and every directory under it (they are listed again when asked). */
  forget(dir: string): void {
    for (const key of this.listings.keys()) if (relativeTo(dir, key) !== undefined) this.listings.delete(key);
  }

  private async load(dir: string): Promise<Listing> {
    const listed = await this.fs.list(dir).catch((err: unknown) => {
      // A remote whose root does not exist yet (a new bucket, a memory remote) is an empty one.
      if (dir === "" && isFsError(err, "DirNotFound")) return [];
      throw err;
    });
    const entries = new Map(listed.map((e) => [baseName(e.remote), e] as const));
    const listing = { entries, expires: Date.now() + this.ttl };
    this.listings.set(dir, listing);
    return listing;
  }
}
