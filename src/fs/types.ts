/**
 * The contract every backend and overlay implements. rclone's `fs.Fs` / `fs.Object`, made async.
 *
 * Paths ("remotes") are relative to the Fs root, use `/` as separator, never start or end with `/`,
 * and `""` is the root itself. They reach implementations already cleaned (see `path.ts`).
 */
import type { Features } from "./features.js";
import type { HashType } from "./hashes.js";

/** File data: a stream of byte chunks. A yielded chunk belongs to the consumer. */
export type Body = AsyncIterable<Uint8Array>;

/** Options every call accepts; overlays pass them down unchanged. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** A byte range: from `offset` (default 0), `length` bytes (default: to the end). */
export interface OpenOptions extends CallOptions {
  offset?: number;
  length?: number;
}

/** Options of `put` and `putStream`. */
export interface PutOptions extends CallOptions {
  /**
   * Hash types the caller will ask of the new object right away (to verify a copy). A backend that
   * would have to read the data back to hash it computes these while writing instead.
   */
  hashes?: readonly HashType[];
}

/** What a write needs to know about its source. `remote` is the destination path. */
export interface ObjectInfo {
  readonly remote: string;
  /** Size in bytes, or -1 when unknown (only `features.putStream` accepts that). */
  readonly size: number;
  readonly modTime: Date;
  /** A hash the source already knows (or can compute); undefined when it cannot. */
  hash?(type: HashType, options?: CallOptions): Promise<string | undefined>;
  /** The Fs the source object lives on, when it is one; server-side operations check it. */
  readonly fs?: Fs;
  /**
   * A hash type the caller computes over the body passed with this info while it is read. Once the
   * body has been consumed, `hash(type)` resolves to the digest of exactly those bytes, so a
   * destination that would hash the same bytes itself can take that digest instead.
   */
  readonly hashedInFlight?: HashType;
}

/** A file on a remote, as returned by `list` and `newObject`. */
export interface FsObject extends ObjectInfo {
  readonly kind: "file";
  readonly fs: Fs;
  /**
   * Set (once `open` has been called) when a whole read of this object checks the content against
   * `hash(type)` and fails with `Corrupt` at its end when they differ, as chunker and compress do
   * with the hash their metadata keeps. A body read to its end without an error then has that hash,
   * so a copy need not compute it again.
   */
  readonly checksWholeRead?: HashType;
  /**
   * Present when `modTime` is only what the listing gave and the file's own modtime costs another
   * request (S3 lists the upload time; the modtime is in each object's metadata). Resolves the
   * file's modtime and sets `modTime` to it. Callers that need modtimes go through `modTimeOf`.
   */
  loadModTime?(options?: CallOptions): Promise<Date>;
  /** Opens the content, or a range of it. A range past the end yields nothing. */
  open(options?: OpenOptions): Promise<Body>;
  /** Removes the file. Throws `ObjectNotFound` if it is already gone. */
  remove(options?: CallOptions): Promise<void>;
  /** Sets the modtime. Throws `NotImplemented` where the remote cannot (then sync re-uploads). */
  setModTime(modTime: Date, options?: CallOptions): Promise<void>;
  /**
   * The hash of the content. Throws `NotImplemented` when the Fs does not support `type`;
   * returns undefined when this object has none (e.g. a multipart upload without a stored md5).
   */
  hash(type: HashType, options?: CallOptions): Promise<string | undefined>;
}

/** A directory entry in a listing. */
export interface Directory {
  readonly kind: "dir";
  readonly remote: string;
  readonly modTime: Date;
}

export type Entry = FsObject | Directory;

/** Used and free space, where a remote can tell; missing fields are unknown. */
export interface Usage {
  total?: number;
  used?: number;
  free?: number;
  objects?: number;
}

/** Sentinel precision of a remote that stores no modtimes (rclone's `ModTimeNotSupported`). */
export const MODTIME_NOT_SUPPORTED = Number.POSITIVE_INFINITY;

/** One remote rooted at a path. */
export interface Fs {
  /** The config name (`"local"` for plain paths, `":type"` for on-the-fly remotes). */
  readonly name: string;
  /** The root path as given, cleaned. */
  readonly root: string;
  /** Facts and optional operations; see `features.ts`. */
  readonly features: Features;
  /** Hash types this Fs can return for its objects. */
  readonly hashes: ReadonlySet<HashType>;
  /** Modtime precision in nanoseconds; `MODTIME_NOT_SUPPORTED` when modtimes are not kept. */
  readonly precision: number;

  /**
   * One complete directory, in no particular order. `dir` is `""` for the root.
   * Throws `DirNotFound` when it does not exist.
   */
  list(dir: string, options?: CallOptions): Promise<Entry[]>;
  /** The file at `remote`. Throws `ObjectNotFound`, or `IsDir` if it is a directory. */
  newObject(remote: string, options?: CallOptions): Promise<FsObject>;
  /**
   * Writes `body` to `src.remote`, replacing any file there, atomically where the remote allows:
   * a body that fails part-way leaves no object (and the previous version intact).
   * `src.size` must be known unless the Fs has `features.putStream`.
   */
  put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject>;
  /** Creates a directory and its parents; no error if it exists. */
  mkdir(dir: string, options?: CallOptions): Promise<void>;
  /** Removes an empty directory. Throws `DirNotFound` or `DirNotEmpty`. */
  rmdir(dir: string, options?: CallOptions): Promise<void>;
  /** `type:root` or `name:root`, for messages. */
  toString(): string;
  /**
   * Releases what this Fs holds open (connections, HTTP agents, SDK clients) so the process can
   * exit; the Fs must not be used afterwards. Optional: a remote holding nothing open has none. A
   * layer closes what it wraps; an overlay does not, since what it wraps comes from its context's
   * cache and may serve other stacks (`closeAll` closes every instance a context built).
   */
  close?(): Promise<void>;
}
