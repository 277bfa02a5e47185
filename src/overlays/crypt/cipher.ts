/**
 * rclone's crypt file format: "RCLONE\0\0", a 24-byte nonce, then the plaintext in 64 KiB blocks, each
 * sealed with NaCl secretbox under the data key and the nonce plus the block number (a little-endian
 * 192-bit addition). There is no length field and no file MAC: cutting a file exactly at a block
 * boundary cannot be detected (rclone issue #7192).
 */

import { randomBytes } from "node:crypto";
import { blocks } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import type { Body } from "../../fs/types.js";
import { type SecretBox, TAG_BYTES } from "./secretbox.js";

export const MAGIC = Uint8Array.from([0x52, 0x43, 0x4c, 0x4f, 0x4e, 0x45, 0x00, 0x00]);
export const NONCE_BYTES = 24;
export const HEADER_BYTES = MAGIC.length + NONCE_BYTES;
export const BLOCK_BYTES = 64 * 1024;
export const SEALED_BLOCK_BYTES = BLOCK_BYTES + TAG_BYTES;
/**
 * Blocks sealed (and yielded) together when encrypting: fewer, larger chunks for the writer
 * downstream, while memory stays at a few blocks. Decryption follows the input's own chunks instead.
 */
const BATCH = 4;

/** The stored size of `n` plaintext bytes (-1 stays unknown). */
export function encryptedSize(n: number): number {
  if (n < 0) return -1;
  const full = Math.floor(n / BLOCK_BYTES);
  const rest = n % BLOCK_BYTES;
  return HEADER_BYTES + full * SEALED_BLOCK_BYTES + (rest === 0 ? 0 : rest + TAG_BYTES);
}

/** The plaintext size of a stored object of `s` bytes. Throws Error for a size no plaintext gives. */
export function decryptedSize(s: number): number {
  const m = s - HEADER_BYTES;
  if (m < 0) throw new Error("file is too short to be encrypted");
  const full = Math.floor(m / SEALED_BLOCK_BYTES);
  const rest = m % SEALED_BLOCK_BYTES;
  if (rest === 0) return full * BLOCK_BYTES;
  if (rest <= TAG_BYTES) throw new Error("file has truncated block header");
  return full * BLOCK_BYTES + rest - TAG_BYTES;
}

/** `nonce` + `n` as little-endian 192-bit integers (wrapping), in a new array. */
export function addToNonce(nonce: Uint8Array, n: number): Uint8Array {
  const out = Uint8Array.from(nonce);
  let carry = n;
  for (let i = 0; i < out.length && carry > 0; i++) {
    const sum = (out[i] as number) + (carry % 256);
    out[i] = sum & 0xff;
    carry = Math.floor(carry / 256) + (sum >> 8);
  }
  return out;
}

/** Increments `nonce` by one in place. */
function incrementNonce(nonce: Uint8Array): void {
  for (let i = 0; i < nonce.length; i++) {
    nonce[i] = ((nonce[i] as number) + 1) & 0xff;
    if (nonce[i] !== 0) return;
  }
}

export const newNonce = (): Uint8Array => randomBytes(NONCE_BYTES);

/** The header of a file sealed with `nonce`. */
export function fileHeader(nonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(MAGIC);
  out.set(nonce, MAGIC.length);
  return out;
}

/**
 * The nonce of a stored file's header. Throws `Corrupt` naming `path` for a short header or bad magic.
 */
export function parseHeader(header: Uint8Array, path: string): Uint8Array {
  if (header.length < HEADER_BYTES) {
    throw new FsError("Corrupt", "file is too short to be encrypted", { path });
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (header[i] !== MAGIC[i]) throw new FsError("Corrupt", "not an encrypted file - bad magic string", { path });
  }
  return header.slice(MAGIC.length, HEADER_BYTES);
}

/**
 * Regroups a body into runs of whole `unit`-byte pieces (the last run may end short): each input
 * chunk's whole pieces pass through as one view, and only a piece split across chunks is copied.
 */
async function* wholeUnits(body: Body, unit: number): AsyncGenerator<Uint8Array> {
  let carry: Uint8Array | undefined;
  let filled = 0;
  for await (let part of body) {
    if (carry) {
      const n = Math.min(unit - filled, part.length);
      carry.set(part.subarray(0, n), filled);
      filled += n;
      part = part.subarray(n);
      if (filled < unit) continue;
      yield carry;
      carry = undefined;
    }
    const whole = part.length - (part.length % unit);
    if (whole > 0) yield part.subarray(0, whole);
    if (whole < part.length) {
      carry = new Uint8Array(unit);
      carry.set(part.subarray(whole));
      filled = part.length - whole;
    }
  }
  if (carry) yield carry.subarray(0, filled);
}

/** Encrypts `body` into the whole stored form (header and blocks), a few blocks at a time. */
export async function* encryptBody(body: Body, key: Uint8Array, nonce: Uint8Array, box: SecretBox): Body {
  yield fileHeader(nonce);
  const n = Uint8Array.from(nonce);
  for await (const group of blocks(body, BLOCK_BYTES * BATCH)) {
    const count = Math.ceil(group.length / BLOCK_BYTES);
    const out = new Uint8Array(group.length + count * TAG_BYTES);
    for (let i = 0; i < count; i++) {
      const plain = group.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES);
      box.seal(out.subarray(i * SEALED_BLOCK_BYTES, i * SEALED_BLOCK_BYTES + plain.length + TAG_BYTES), plain, n, key);
      incrementNonce(n);
    }
    yield out;
  }
}

/**
 * Decrypts sealed blocks read from the start of block `first` (the stored bytes after the header
 * when 0), whose file header held `nonce`. Throws `Corrupt` naming `path` for a block that does not
 * authenticate (altered bytes, a cut inside the block, or another key) and for a truncated block.
 * Each run of sealed blocks the input gives becomes one plaintext chunk, in a buffer of its own: the
 * sealed chunks are left as they were read (decrypting into them corrupted reads over sftp).
 */
export async function* decryptBlocks(
  sealed: Body,
  key: Uint8Array,
  nonce: Uint8Array,
  first: number,
  box: SecretBox,
  path: string,
): Body {
  for await (const { run, index } of sealedRuns(sealed, first, path)) {
    const plain = Buffer.allocUnsafe(plainLength(run.length));
    const failed = openRun(run, plain, addToNonce(nonce, index), key, box);
    if (failed >= 0) throw notAuthentic(index + failed, path);
    yield plain;
  }
}

/**
 * Authenticates every sealed block after a file's header and returns the plaintext size, keeping no
 * plaintext. Throws as `decryptBlocks`.
 */
export async function authenticateBlocks(
  sealed: Body,
  key: Uint8Array,
  nonce: Uint8Array,
  box: SecretBox,
  path: string,
): Promise<number> {
  let total = 0;
  for await (const plain of decryptBlocks(sealed, key, nonce, 0, box, path)) total += plain.length;
  return total;
}

/** A run of whole sealed blocks (the last may end short) and the number of its first block. */
export interface SealedRun {
  run: Uint8Array;
  index: number;
}

/**
 * The sealed blocks of a body read from the start of block `first`, in runs as the input's chunks
 * give them. Throws `Corrupt` naming `path` for a last block too short to hold any plaintext.
 */
export async function* sealedRuns(sealed: Body, first: number, path: string): AsyncGenerator<SealedRun> {
  let index = first;
  for await (const run of wholeUnits(sealed, SEALED_BLOCK_BYTES)) {
    const count = Math.ceil(run.length / SEALED_BLOCK_BYTES);
    if (run.length - (count - 1) * SEALED_BLOCK_BYTES <= TAG_BYTES) {
      throw new FsError("Corrupt", `file has truncated block header (block ${index + count - 1})`, { path });
    }
    yield { run, index };
    index += count;
  }
}

/** The plaintext bytes in a run of `sealed` bytes of whole sealed blocks (the last may end short). */
export function plainLength(sealed: number): number {
  return sealed - Math.ceil(sealed / SEALED_BLOCK_BYTES) * TAG_BYTES;
}

/**
 * Opens a run of sealed blocks into `out` (`plainLength(run.length)` bytes), block `i`'s plaintext
 * landing at `i * BLOCK_BYTES`, the first block under `nonce` (left incremented past the blocks opened). Returns the position in the run of the first
 * block that does not authenticate, or -1 when all do.
 */
export function openRun(run: Uint8Array, out: Uint8Array, nonce: Uint8Array, key: Uint8Array, box: SecretBox): number {
  for (let i = 0, at = 0; at < run.length; i++, at += SEALED_BLOCK_BYTES) {
    const sealedBlock = run.subarray(at, Math.min(at + SEALED_BLOCK_BYTES, run.length));
    const plain = out.subarray(i * BLOCK_BYTES, i * BLOCK_BYTES + sealedBlock.length - TAG_BYTES);
    if (!box.open(plain, sealedBlock, nonce, key)) return i;
    incrementNonce(nonce);
  }
  return -1;
}

/** The error for block `index` failing to authenticate. */
export function notAuthentic(index: number, path: string): FsError {
  return new FsError("Corrupt", `failed to authenticate decrypted block ${index} - bad password?`, { path });
}

/** Splits a stored body into its header's nonce and the sealed blocks after it. */
export async function splitHeader(stored: Body, path: string): Promise<{ nonce: Uint8Array; rest: Body }> {
  const it = stored[Symbol.asyncIterator]();
  const head = new Uint8Array(HEADER_BYTES);
  let got = 0;
  let extra: Uint8Array | undefined;
  try {
    while (got < HEADER_BYTES) {
      const r = await it.next();
      if (r.done) break;
      const n = Math.min(HEADER_BYTES - got, r.value.length);
      head.set(r.value.subarray(0, n), got);
      got += n;
      if (n < r.value.length) extra = r.value.subarray(n);
    }
  } catch (err) {
    await it.return?.();
    throw err;
  }
  let nonce: Uint8Array;
  try {
    nonce = parseHeader(head.subarray(0, got), path);
  } catch (err) {
    await it.return?.();
    throw err;
  }
  async function* rest(): Body {
    try {
      if (extra) yield extra;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { nonce, rest: rest() };
}
