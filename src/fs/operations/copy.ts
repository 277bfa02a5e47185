/** Copying one file: server-side when the destination can take the source, else streamed and verified. */
import { prefetch, tapBody } from "../body.js";
import { FsError, isFsError } from "../errors.js";
import { streamHasher } from "../hash-worker.js";
import { HASH_TYPES, type HashType } from "../hashes.js";
import { underLayers } from "../layers/layer.js";
import { log } from "../log.js";
import { modTimeOf } from "../modtime.js";
import type { Body, CallOptions, Fs, FsObject, ObjectInfo } from "../types.js";

/** Chunks read ahead of the writer during a streamed copy (1 MiB each from the disk backends). */
const READ_AHEAD = 4;

/** The hash both remotes can give cheaply, preferring md5 as rclone does; undefined if none. */
export function commonHash(a: Fs, b: Fs): HashType | undefined {
  return HASH_TYPES.find((t) => a.hashes.has(t) && b.hashes.has(t));
}

/**
 * How a copy or move went without streaming: by the destination (`copy`, `move`), or by the kernel
 * of this machine between local disks (`localCopy`), which rclone's local backend does as a stream
 * and reports as one.
 */
export type ServerSideKind = "copy" | "move" | "localCopy";

export interface CopyOptions extends CallOptions {
  /** Skip the hash comparison after a streamed copy (sizes are still checked). */
  noVerifyHash?: boolean;
  /** Wraps the source body of a streamed copy (accounting, bandwidth limit). */
  account?: (body: Body) => Body;
  /** Called when the copy or move was done without streaming the bytes through this process. */
  onServerSide?: (kind: ServerSideKind) => void;
  /**
   * Stream a copy the local disk would make by itself (`isLocal`), so --bwlimit and --max-transfer
   * see its bytes as they see rclone's local copies, which always stream.
   */
  streamLocalCopies?: boolean;
  /** Give the copy the time the source's listing gave (rclone's --use-server-modtime). */
  useServerModTime?: boolean;
}

/**
 * Whether `dst` may take objects of `from` server-side at all: the same Fs or the same type of Fs,
 * once transparent layers are looked through (a layer that refuses to be seen through on the source
 * side, like FaultFs, counts as its own type). rclone asks the same before a server-side copy or
 * move; every other pairing would be refused by the destination (`CantCopy`) for each file.
 */
export function serverSidePossible(from: Fs, dst: Fs): boolean {
  const a = underLayers(from, true);
  const b = underLayers(dst);
  return a === b || a.constructor === b.constructor;
}

/**
 * Copies `src` to `remote` on `dst`. Tries `dst.features.copy` first (no data through this process)
 * when `serverSidePossible`; otherwise, or on `CantCopy`, streams the bytes, hashing them on the
 * way, and checks the result's size and hash. A mismatch removes the bad copy and throws `Corrupt`.
 */
export async function copyFile(src: FsObject, dst: Fs, remote: string, options: CopyOptions = {}): Promise<FsObject> {
  if (dst.features.copy && serverSidePossible(src.fs, dst) && !(options.streamLocalCopies && dst.features.isLocal)) {
    try {
      const copied = await dst.features.copy(src, remote, options);
      options.onServerSide?.(dst.features.isLocal ? "localCopy" : "copy");
      return copied;
    } catch (err) {
      if (!isFsError(err, "CantCopy", "NotImplemented")) throw err;
    }
  }
  return streamCopy(src, dst, remote, options);
}

async function streamCopy(src: FsObject, dst: Fs, remote: string, options: CopyOptions): Promise<FsObject> {
  const hashType = options.noVerifyHash ? undefined : commonHash(src.fs, dst);
  // A source that would have to read its data again to hash it is hashed in flight (in a worker
  // for large streams) and the destination takes that digest instead of hashing the same bytes a
  // second time. Any other source's hash (stored, like chunker metadata or an S3 ETag) is compared
  // afterwards with what the destination computed from the bytes it received, as rclone does.
  const inFlight = hashType && src.fs.features.slowHash ? streamHasher(hashType, src.size) : undefined;
  let inFlightDigest: Promise<string> | undefined;
  const digest =
    inFlight &&
    (() => {
      inFlightDigest ??= inFlight.digest();
      return inFlightDigest;
    });
  let copied: FsObject;
  try {
    const modTime = await modTimeOf(src, options);
    let body = prefetch(await src.open(options), READ_AHEAD);
    if (options.account) body = options.account(body);
    if (inFlight) body = tapBody(body, (part) => inFlight.update(part));
    // A source that checks its whole reads against its stored hash vouches for the bytes of a body
    // that ends without an error: the destination takes that hash instead of computing it again.
    const vouched = hashType !== undefined && !inFlight && src.checksWholeRead === hashType;
    const info: ObjectInfo = {
      remote,
      size: src.size,
      modTime,
      fs: src.fs,
      hashedInFlight: inFlight || vouched ? hashType : undefined,
      hash: (type, o) => (digest && type === hashType ? digest() : src.hash(type, o)),
    };
    const put = src.size < 0 && dst.features.putStream ? dst.features.putStream : dst.put.bind(dst);
    copied = await put(body, info, { ...options, hashes: hashType ? [hashType] : undefined });
  } catch (err) {
    if (digest) await digest();
    throw err;
  }
  if (src.size >= 0 && copied.size >= 0 && copied.size !== src.size) {
    await copied.remove().catch(() => undefined);
    throw new FsError("Corrupt", `corrupted on transfer: sizes differ ${src.size} vs ${copied.size}`, { path: remote });
  }
  if (hashType) {
    const want = digest ? await digest() : await src.hash(hashType, options);
    const got = want === undefined ? undefined : await copied.hash(hashType, options);
    if (want !== undefined && got !== undefined && got.toLowerCase() !== want.toLowerCase()) {
      await copied.remove().catch(() => undefined);
      throw new FsError("Corrupt", `corrupted on transfer: ${hashType} hashes differ ${want} vs ${got}`, {
        path: remote,
      });
    }
    if (want !== undefined && got !== undefined) log.debug(remote, `${hashType} = ${got} OK`);
  }
  return copied;
}

/**
 * Moves `src` to `remote` on `dst`: server-side with `dst.features.move` when `serverSidePossible`
 * and the destination takes the source, else a verified copy followed by removing the source.
 */
export async function moveFile(src: FsObject, dst: Fs, remote: string, options: CopyOptions = {}): Promise<FsObject> {
  if (dst.features.move && serverSidePossible(src.fs, dst)) {
    try {
      const moved = await dst.features.move(src, remote, options);
      options.onServerSide?.("move");
      return moved;
    } catch (err) {
      if (!isFsError(err, "CantMove", "NotImplemented")) throw err;
    }
  }
  const copied = await copyFile(src, dst, remote, options);
  await src.remove(options);
  return copied;
}
