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

/** The size as 8 little-endian bytes in unpadded URL-safe base64: always 11 characters. */
export function encodeSize(size: number): string {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(size));
  return b.toString("base64url");
}

const SIZED = /^(.+?)\.([A-Za-z0-9_-]{11})$/s;

/** Decodes a SIZE11 string; undefined when the value is not a usable size (or the temporary -1). */
function decodeSize(s: string): number | undefined {
  const n = Buffer.from(s, "base64url").readBigInt64LE();
  return n === BigInt(STREAMING_SIZE)
    ? STREAMING_SIZE
    : n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : undefined;
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
  /** Uncompressed size from the name; undefined for `.bin` (the object's own size is the size). */
  size?: number;
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
  const size = decodeSize(m[2] as string);
  return size === undefined ? undefined : { name: m[1] as string, size, ext };
}

export const isMetaName = (wrapped: string) => wrapped.endsWith(META_EXT);

/**
 * The name a write uses before its data is in place (rclone's streaming name, size -1). Listings
 * hide it, so a killed upload never shows.
 */
export function tempDataName(name: string, mode: Mode): string {
  return `${name}.${encodeSize(STREAMING_SIZE)}${extOf(mode === MODE_STORED ? MODE_GZIP : mode)}`;
}
