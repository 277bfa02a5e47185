/**
 * Object names of the compress overlay (rclone 1.60's `compress`): every user file `NAME` is a data
 * object (`NAME.bin` stored as is, or `NAME.<SIZE11>.gz` / `.zst` with the uncompressed size in the
 * name) plus a metadata object `NAME.json`. Pure: no Fs.
 */

export const META_EXT = ".json";
export const BIN_EXT = ".bin";

/** Compression modes as the metadata's `Mode` field numbers them. */
export const MODE_STORED = 0;
export const MODE_GZIP = 2;
export const MODE_ZSTD = 4;
export type Mode = typeof MODE_STORED | typeof MODE_GZIP | typeof MODE_ZSTD;

/** The data extension of a compressed mode. */
export function extOf(mode: Mode): string {
  return mode === MODE_ZSTD ? ".zst" : mode === MODE_GZIP ? ".gz" : BIN_EXT;
}

/** Size -1: the name rclone gives data streamed before its size is known (`NAME.__________8.gz`). */
export const STREAMING_SIZE = -1;

/**
 * A held data object's SIZE11 is `HELD_BASE - fingerprint` (always below -1, so never a size and
 * never rclone's temporary), the fingerprint being the first FINGERPRINT_BITS of its content's MD5.
 */
const HELD_BASE = -2;
const FINGERPRINT_BITS = 52;

/** The fingerprint a held object of content with this MD5 (hex) carries in its name; undefined without an MD5. */
export function fingerprint(md5: string): number | undefined {
  return /^[0-9a-fA-F]{32}$/.test(md5) ? Number.parseInt(md5.slice(0, FINGERPRINT_BITS / 4), 16) : undefined;
}

/** The size as 8 little-endian bytes in unpadded URL-safe base64: always 11 characters. */
export function encodeSize(size: number | bigint): string {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(size));
  return b.toString("base64url");
}

const SIZED = /^(.+?)\.([A-Za-z0-9_-]{11})$/s;

/**
 * Decodes a SIZE11 string: a size, the temporary -1, or (below -1) a held object's fingerprint as
 * `HELD_BASE - n`; undefined for values that are none of these.
 */
function decodeSize(s: string): { size: number } | { held: number } | undefined {
  const n = Buffer.from(s, "base64url").readBigInt64LE();
  if (n >= BigInt(STREAMING_SIZE) && n <= BigInt(Number.MAX_SAFE_INTEGER)) return { size: Number(n) };
  const fp = BigInt(HELD_BASE) - n;
  return fp >= 0n && fp < 2n ** BigInt(FINGERPRINT_BITS) ? { held: Number(fp) } : undefined;
}

/** The metadata object's name for a user name. */
export const metaName = (name: string) => name + META_EXT;

/** The data object's name for a user name: `.bin` when stored, else the size and the mode's extension. */
export function dataName(name: string, size: number, mode: Mode): string {
  return mode === MODE_STORED ? name + BIN_EXT : `${name}.${encodeSize(size)}${extOf(mode)}`;
}

/** What a wrapped data name says: the user name and, for compressed data, the uncompressed size. */
export interface ParsedDataName {
  name: string;
  /**
   * Uncompressed size from the name; -1 for a temporary; undefined for `.bin` (the object's own
   * size is the size) and for held objects.
   */
  size?: number;
  /** For a held object (see `heldDataName`): the fingerprint of the content it holds. */
  held?: number;
  ext: string;
}

/**
 * Parses a wrapped file name that is not metadata (see `isMetaName`). As rclone 1.60: split at the
 * last dot; `.bin` is stored data; any other extension needs `NAME.<SIZE11>` before it. Returns
 * undefined for names that are neither (rclone logs and hides them); `size` is -1 for a temporary.
 */
export function parseDataName(wrapped: string): ParsedDataName | undefined {
  const dot = wrapped.lastIndexOf(".");
  if (dot < 0) return undefined;
  const ext = wrapped.slice(dot);
  const stem = wrapped.slice(0, dot);
  if (ext === BIN_EXT) return stem === "" ? undefined : { name: stem, ext };
  const m = SIZED.exec(stem);
  if (!m) return undefined;
  const decoded = decodeSize(m[2] as string);
  return decoded === undefined ? undefined : { name: m[1] as string, ext, ...decoded };
}

export const isMetaName = (wrapped: string) => wrapped.endsWith(META_EXT);

/**
 * The name a write uses before its data is in place (rclone's streaming name, size -1). Listings
 * hide it, so a killed upload never shows.
 */
export function tempDataName(name: string, mode: Mode): string {
  return `${name}.${encodeSize(STREAMING_SIZE)}${sizedExt(mode)}`;
}

/**
 * The name a version's data object is held under while an overwrite replaces the object at its
 * data name (same size and mode, so the same name): `fp` is the fingerprint of the held content's
 * MD5 (see `fingerprint`), so a reader whose metadata has that MD5 finds its data here. Listings hide
 * it; rclone reads it as a temporary of a negative size.
 */
export function heldDataName(name: string, mode: Mode, fp: number): string {
  return `${name}.${encodeSize(BigInt(HELD_BASE) - BigInt(fp))}${sizedExt(mode)}`;
}

/** A stored mode's `.bin` carries no size, so names with a SIZE11 use a compressed extension. */
const sizedExt = (mode: Mode) => extOf(mode === MODE_STORED ? MODE_GZIP : mode);
