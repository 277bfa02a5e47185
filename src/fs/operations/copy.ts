/** Copying one file: server-side when the destination can take the source, else streamed and verified. */
import { prefetch, tapBody } from "../body.js";
import { FsError, isFsError } from "../errors.js";
import { streamHasher } from "../hash-worker.js";
import { HASH_TYPES, type HashType } from "../hashes.js";
import type { Body, CallOptions, Fs, FsObject } from "../types.js";

/** Chunks read ahead of the writer during a streamed copy (1 MiB each from the disk backends). */
const READ_AHEAD = 4;

/** The hash both remotes can give cheaply, preferring md5 as rclone does; undefined if none. */
export function commonHash(a: Fs, b: Fs): HashType | undefined {
  return HASH_TYPES.find((t) => a.hashes.has(t) && b.hashes.has(t));
}

export interface CopyOptions extends CallOptions {
  /** Skip the hash comparison after a streamed copy (sizes are still checked). */
  noVerifyHash?: boolean;
  /** Wraps the source body of a streamed copy (accounting, bandwidth limit). */
  account?: (body: Body) => Body;
  /** Called when the copy was done server-side. */
  onServerSide?: () => void;
}

/**
 * Copies `src` to `remote` on `dst`. Tries `dst.features.copy` first (no data through this process);
 * on `CantCopy` streams the bytes, hashing them on the way, and checks the result's size and hash.
 * A mismatch removes the bad copy and throws `Corrupt`.
 */
export async function copyFile(src: FsObject, dst: Fs, remote: string, options: CopyOptions = {}): Promise<FsObject> {
  if (dst.features.copy) {
    try {
      const copied = await dst.features.copy(src, remote, options);
      options.onServerSide?.();
      return copied;
    } catch (err) {
      if (!isFsError(err, "CantCopy", "NotImplemented")) throw err;
    }
  }
  return streamCopy(src, dst, remote, options);
}

async function streamCopy(src: FsObject, dst: Fs, remote: string, options: CopyOptions): Promise<FsObject> {
  const hashType = options.noVerifyHash ? undefined : commonHash(src.fs, dst);
  // Both sides hash the bytes in flight (the destination while writing, if it would otherwise read
  // them back), as rclone does; large streams hash in worker threads.
  const hasher = hashType ? streamHasher(hashType, src.size) : undefined;
  let copied: FsObject;
  try {
    let body = prefetch(await src.open(options), READ_AHEAD);
    if (options.account) body = options.account(body);
    if (hasher) body = tapBody(body, (part) => hasher.update(part));
    const info = { remote, size: src.size, modTime: src.modTime, fs: src.fs, hash: src.hash.bind(src) };
    const put = src.size < 0 && dst.features.putStream ? dst.features.putStream : dst.put.bind(dst);
    copied = await put(body, info, { ...options, hashes: hashType ? [hashType] : undefined });
  } catch (err) {
    await hasher?.digest();
    throw err;
  }
  const want = await hasher?.digest();
  if (src.size >= 0 && copied.size >= 0 && copied.size !== src.size) {
    await copied.remove().catch(() => undefined);
    throw new FsError("Corrupt", `corrupted on transfer: sizes differ ${src.size} vs ${copied.size}`, { path: remote });
  }
  if (want !== undefined && hashType) {
    const got = await copied.hash(hashType, options);
    if (got !== undefined && got !== want) {
      await copied.remove().catch(() => undefined);
      throw new FsError("Corrupt", `corrupted on transfer: ${hashType} hashes differ ${want} vs ${got}`, {
        path: remote,
      });
    }
  }
  return copied;
}

/**
 * Moves `src` to `remote` on `dst`: server-side with `dst.features.move` when it takes the source,
 * else a verified copy followed by removing the source.
 */
export async function moveFile(src: FsObject, dst: Fs, remote: string, options: CopyOptions = {}): Promise<FsObject> {
  if (dst.features.move) {
    try {
      const moved = await dst.features.move(src, remote, options);
      options.onServerSide?.();
      return moved;
    } catch (err) {
      if (!isFsError(err, "CantMove", "NotImplemented")) throw err;
    }
  }
  const copied = await copyFile(src, dst, remote, options);
  await src.remove(options);
  return copied;
}
