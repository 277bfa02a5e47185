/**
 * The file-system view over any `Fs` that `mount` (and anything else wanting POSIX-like access)
 * works through: paths, attributes and handles, with rclone's VFS semantics. Paths are VFS paths:
 * `/`-separated, relative to the root, `""` for the root (as `Fs` paths). Every path is cleaned by
 * `cleanRemote`: `.` and `..` inside it resolve, and an absolute path or a `..` above the root fails
 * with `PathEscape` (EPERM), so nothing outside the remote is ever reached.
 */
import type { Fs } from "../fs/types.js";

/** rclone's `--vfs-cache-mode`: how much goes through the local cache directory. */
export type CacheMode = "off" | "minimal" | "writes" | "full";

export interface VfsOptions {
  cacheMode: CacheMode;
  /**
   * rclone's `--cache-dir`: the VFS keeps its cached data and pending-upload journal in
   * `<cacheDir>/vfs/<remote>` (one subdirectory per remote name and root, as rclone does).
   */
  cacheDir: string;
  /** How long a directory listing is trusted, in ms (`--dir-cache-time`, default 5 min). */
  dirCacheTime: number;
  /** Cached data above this many bytes is evicted, oldest first, unless open or dirty (`--vfs-cache-max-size`). */
  cacheMaxSize: number;
  /** Cached data not used for this many ms is evicted unless open or dirty (`--vfs-cache-max-age`). */
  cacheMaxAge: number;
  /** Delay in ms after the last close before a written file is uploaded (`--vfs-write-back`, default 5 s). */
  writeBack: number;
  /** Bytes read ahead of a sequential reader (`--vfs-read-ahead` / `--buffer-size`). */
  readAhead: number;
  readOnly: boolean;
  /** Owner and permission bits reported for every node (`--uid`, `--gid`, `--umask`). */
  uid: number;
  gid: number;
  umask: number;
  /** First back-off in ms after a failed upload; it doubles after each failure, up to 5 min. Default 1 s. */
  uploadRetryDelay?: number;
  /** Uploads running at once (rclone's `--transfers`, default 4). */
  transfers?: number;
}

export interface VfsAttr {
  kind: "file" | "dir";
  size: number;
  mtime: Date;
  /** Full st_mode: type bits and permission bits after the umask. */
  mode: number;
}

export interface VfsDirEntry {
  name: string;
  attr: VfsAttr;
}

/** How a file is opened: POSIX open(2) flags, decoded. */
export interface OpenFlags {
  read: boolean;
  write: boolean;
  create: boolean;
  exclusive: boolean;
  truncate: boolean;
  append: boolean;
}

/** An open file. Offsets are absolute; handles may be used concurrently by the kernel. */
export interface VfsHandle {
  /** Reads up to `length` bytes at `offset`; fewer (or none) at the end of the file. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Writes at `offset`; returns the byte count written. */
  write(offset: number, data: Uint8Array): Promise<number>;
  truncate(size: number): Promise<void>;
  /** Makes written data durable in the cache (cache modes writes/full) or uploaded (off/minimal). */
  flush(): Promise<void>;
  /** Last close of this handle; a written file is queued for upload after `writeBack`. */
  release(): Promise<void>;
}

/** Used and free bytes for statfs, where the remote can tell. */
export interface VfsUsage {
  total?: number;
  used?: number;
  free?: number;
}

/**
 * The view itself. Errors are `FsError`s (see `errno.ts` for their POSIX numbers). A file whose
 * close has returned is never lost: with a cache mode that keeps writes, the pending upload is
 * journalled in `cacheDir` and resumed by the next `openVfs` over the same cache.
 */
export interface Vfs {
  readonly fs: Fs;
  readonly options: VfsOptions;
  stat(path: string): Promise<VfsAttr>;
  readdir(path: string): Promise<VfsDirEntry[]>;
  open(path: string, flags: OpenFlags): Promise<VfsHandle>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  unlink(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  truncate(path: string, size: number): Promise<void>;
  setModTime(path: string, mtime: Date): Promise<void>;
  statfs(): Promise<VfsUsage>;
  /** Waits until every written file has been uploaded (or failed for good). */
  sync(): Promise<void>;
  /**
   * Uploads what is pending, then stops background work. Uploads waiting out a retry back-off are
   * tried at once, one last time; what fails stays journalled for the next `openVfs`.
   */
  close(): Promise<void>;
}
