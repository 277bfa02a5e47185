/** Writing a stream of unknown or announced length to one file: what `rcat` and `copyurl` do. */
import { tapBody } from "../body.js";
import { FsError } from "../errors.js";
import { HASH_TYPES, type HashType, newHasher } from "../hashes.js";
import { log } from "../log.js";
import { putSpilled } from "../spill.js";
import type { Body, CallOptions, Fs, FsObject } from "../types.js";

/** rclone's `--streaming-upload-cutoff` default: input up to this size is put in one request. */
export const STREAMING_UPLOAD_CUTOFF = 100 * 1024;

export interface RcatOptions extends CallOptions {
  /** The exact length of the input (rclone's `--size`), or -1 when unknown. */
  size?: number;
  /** The new file's modtime; now when omitted. */
  modTime?: Date;
  /** Bytes held in memory before an input of unknown length is streamed or spooled. */
  cutoff?: number;
  /** Read and discard the input instead of writing it. */
  dryRun?: boolean;
}

/**
 * Writes `input` to `remote` on `dst`, replacing any file there. With a known `size` the body goes
 * straight to `put`. Otherwise, as rclone's Rcat: an input that ends within `cutoff` bytes is put
 * from memory with its size; a longer one goes to `features.putStream`, or, where the remote has
 * none, is spooled to a temporary local file first. The input is hashed on the way with a hash the
 * destination supports; a stored file whose size or hash differs is removed and `Corrupt` thrown.
 * Returns undefined on a dry run.
 */
export async function rcat(
  dst: Fs,
  remote: string,
  input: Body,
  options: RcatOptions = {},
): Promise<FsObject | undefined> {
  const { size = -1, modTime = new Date(), cutoff = STREAMING_UPLOAD_CUTOFF, dryRun = false, signal } = options;
  if (dryRun) {
    // Drained, so the writer of a pipe does not see it broken.
    for await (const _ of input) signal?.throwIfAborted();
    log.notice(remote, "Skipped upload from pipe as --dry-run is set");
    return undefined;
  }
  const hashType = HASH_TYPES.find((t) => dst.hashes.has(t));
  const hasher = hashType ? newHasher(hashType) : undefined;
  let read = 0;
  const body = tapBody(input, (part) => {
    read += part.length;
    hasher?.update(part);
  });
  const putOptions = { signal, hashes: hashType ? [hashType] : undefined };
  const stored =
    size >= 0
      ? await dst.put(body, { remote, size, modTime }, putOptions)
      : await putSpilled(dst, body, remote, modTime, cutoff, putOptions);
  await verify(stored, size, read, hashType, hasher?.digest(), options);
  return stored;
}

/** Checks the stored file against what was read (and the announced size); removes it if it differs. */
async function verify(
  stored: FsObject,
  announced: number,
  read: number,
  hashType: HashType | undefined,
  want: string | undefined,
  options: CallOptions,
): Promise<void> {
  let why: string | undefined;
  if (announced >= 0 && announced !== read) why = `--size was ${announced} but the input held ${read} bytes`;
  else if (stored.size >= 0 && stored.size !== read) why = `sizes differ ${read} vs ${stored.size}`;
  else if (hashType && want !== undefined) {
    const got = await stored.hash(hashType, options);
    if (got !== undefined && got.toLowerCase() !== want) why = `${hashType} hashes differ ${want} vs ${got}`;
  }
  if (why === undefined) return;
  await stored.remove(options).catch(() => undefined);
  throw new FsError("Corrupt", `corrupted on transfer: ${why}`, { path: stored.remote });
}
