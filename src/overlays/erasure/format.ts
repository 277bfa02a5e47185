/** The stored format of one shard object (docs/erasure-format.md): names, header, pieces, trailer. */
import { createHash } from "node:crypto";

export const MAGIC = Buffer.from("STRATAEC", "latin1");
export const FORMAT_VERSION = 1;
export const HEADER_SIZE = 64;
export const TRAILER_SIZE = 96;
export const CHECKSUM_SIZE = 32;
const TMP_SUFFIX = ".tmp";

/** What a shard's name says. */
export interface ShardName {
  /** The file's name (last path element). */
  name: string;
  size: number;
  /** Version id: upload start in ms since the epoch (see `newVid`). */
  vid: number;
  /**
   * Data and parity shards of the version (name format 2, `.kKmM`); absent in a format-1 name, whose
   * version takes them from the configuration.
   */
  k?: number;
  m?: number;
  index: number;
}

/** `NAME.SIZE.VID[.kKmM].sI`: the shape is checked here, the bounds of k, m and I in `parseShardName`. */
const SHARD_NAME =
  /^(.+)\.(0|[1-9][0-9]{0,15})\.([0-9a-f]{12})(?:\.k([1-9][0-9]{0,2})m(0|[1-9][0-9]{0,2}))?\.s(0|[1-9][0-9]{0,2})$/s;

/** A shard's name: format 2 (with `.kKmM`) when `k` and `m` are given, format 1 otherwise. */
export function shardName(s: ShardName): string {
  const shape = s.k === undefined || s.m === undefined ? "" : `.k${s.k}m${s.m}`;
  return `${s.name}.${s.size}.${s.vid.toString(16).padStart(12, "0")}${shape}.s${s.index}`;
}

export function tempShardName(s: ShardName): string {
  return shardName(s) + TMP_SUFFIX;
}

/**
 * Parses a committed shard's name, in either name format; undefined for anything else (temporary
 * shards included, and format-2 names whose k, m or index are out of the format's bounds).
 */
export function parseShardName(name: string): ShardName | undefined {
  const m = SHARD_NAME.exec(name);
  if (!m) return undefined;
  const size = Number(m[2]);
  if (!Number.isSafeInteger(size)) return undefined;
  const s: ShardName = { name: m[1] as string, size, vid: Number.parseInt(m[3] as string, 16), index: Number(m[6]) };
  if (m[4] === undefined) return s;
  const k = Number(m[4]);
  const parity = Number(m[5]);
  if (k + parity > 256 || s.index >= k + parity) return undefined;
  return { ...s, k, m: parity };
}

/** Parses a temporary shard's name (an upload in progress, or one that was killed). */
export function parseTempShardName(name: string): ShardName | undefined {
  return name.endsWith(TMP_SUFFIX) ? parseShardName(name.slice(0, -TMP_SUFFIX.length)) : undefined;
}

/** Facts every shard of one version shares; `index` is the shard's own. */
export interface ShardHeader {
  k: number;
  m: number;
  index: number;
  segmentSize: number;
  /** Modtime in nanoseconds since the epoch. */
  modTimeNs: bigint;
  vid: number;
}

export function encodeHeader(h: ShardHeader): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(b, 0);
  b[8] = FORMAT_VERSION;
  b[9] = h.k;
  b[10] = h.m;
  b[11] = h.index;
  b.writeUInt32LE(h.segmentSize, 12);
  b.writeBigInt64LE(h.modTimeNs, 16);
  b.writeUIntBE(h.vid, 24, 6);
  createHash("sha256").update(b.subarray(0, 32)).digest().copy(b, 32);
  return b;
}

/** The largest segment size: the bound of the `segment_size` option and of what a header may state. */
export const MAX_SEGMENT_SIZE = 1 << 30;

/**
 * Decodes a header and checks every field against the format's bounds (k ≥ 1, k + m ≤ 256, index
 * below k + m, 1 ≤ segment size ≤ 1 GiB, reserved bytes zero); a reason string when it is not a
 * valid version-1 header. Whether it belongs to a given shard is `headerFor`'s question.
 */
export function decodeHeader(b: Uint8Array): ShardHeader | string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length < HEADER_SIZE) return "shard too short for a header";
  if (!buf.subarray(0, 8).equals(MAGIC)) return "bad magic";
  if (buf[8] !== FORMAT_VERSION) return `unknown format version ${buf[8]}`;
  const sum = createHash("sha256").update(buf.subarray(0, 32)).digest();
  if (!sum.equals(buf.subarray(32, 64))) return "header checksum mismatch";
  const h: ShardHeader = {
    k: buf[9] as number,
    m: buf[10] as number,
    index: buf[11] as number,
    segmentSize: buf.readUInt32LE(12),
    modTimeNs: buf.readBigInt64LE(16),
    vid: buf.readUIntBE(24, 6),
  };
  if (h.k < 1) return "header says k = 0";
  if (h.k + h.m > 256) return `header says k + m = ${h.k + h.m}, more than 256`;
  if (h.index >= h.k + h.m) return `header says shard index ${h.index} of ${h.k + h.m}`;
  if (h.segmentSize < 1 || h.segmentSize > MAX_SEGMENT_SIZE) return `header says segment size ${h.segmentSize}`;
  if (buf[30] !== 0 || buf[31] !== 0) return "header's reserved bytes are not zero";
  return h;
}

/** What a shard's name (and, for a format-1 name, the configuration) says its header must hold. */
export interface ShardIdentity {
  index: number;
  vid: number;
  k: number;
  m: number;
}

/** Decodes shard `want.index`'s header; a reason string when it is invalid or belongs elsewhere. */
export function headerFor(b: Uint8Array, want: ShardIdentity): ShardHeader | string {
  const h = decodeHeader(b);
  if (typeof h === "string") return h;
  if (h.index !== want.index) return `header says shard ${h.index}, its name ${want.index}`;
  if (h.vid !== want.vid) return `header says version ${vidText(h.vid)}, its name ${vidText(want.vid)}`;
  if (h.k !== want.k || h.m !== want.m) {
    return `header says ${h.k}+${h.m} shards, its name ${want.k}+${want.m}`;
  }
  return h;
}

function vidText(vid: number): string {
  return vid.toString(16).padStart(12, "0");
}

export interface ShardTrailer {
  size: number;
  segments: number;
  md5: string;
  sha1: string;
}

export function encodeTrailer(t: ShardTrailer, header: Uint8Array): Buffer {
  const b = Buffer.alloc(TRAILER_SIZE);
  b.writeBigUInt64LE(BigInt(t.size), 0);
  b.writeUInt32LE(t.segments, 8);
  Buffer.from(t.md5, "hex").copy(b, 12);
  Buffer.from(t.sha1, "hex").copy(b, 28);
  createHash("sha256").update(b.subarray(0, 64)).update(header.subarray(0, 32)).digest().copy(b, 64);
  return b;
}

/**
 * Decodes a trailer and checks its checksum (bound to `header`) and reserved bytes; a reason string
 * when it is not valid. Whether its size and segment count fit the shard's name is the caller's.
 */
export function decodeTrailer(b: Uint8Array, header: Uint8Array): ShardTrailer | string {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (buf.length !== TRAILER_SIZE) return "shard too short for a trailer";
  const sum = createHash("sha256").update(buf.subarray(0, 64)).update(header.subarray(0, 32)).digest();
  if (!sum.equals(buf.subarray(64, 96))) return "trailer checksum mismatch";
  if (buf.subarray(48, 64).some((x) => x !== 0)) return "trailer's reserved bytes are not zero";
  const size = buf.readBigUInt64LE(0);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) return `trailer says size ${size}`;
  return {
    size: Number(size),
    segments: buf.readUInt32LE(8),
    md5: buf.subarray(12, 28).toString("hex"),
    sha1: buf.subarray(28, 48).toString("hex"),
  };
}

/** The checksum stored after a piece: binds it to its segment and shard. */
export function pieceChecksum(piece: Uint8Array, segment: number, index: number): Buffer {
  const where = Buffer.alloc(5);
  where.writeUInt32LE(segment, 0);
  where[4] = index;
  return createHash("sha256").update(piece).update(where).digest();
}

/** The geometry of one file's segments and pieces. */
export class Layout {
  readonly segments: number;

  constructor(
    readonly size: number,
    readonly k: number,
    readonly segmentSize: number,
  ) {
    this.segments = Math.ceil(size / segmentSize);
  }

  /** Plaintext bytes in segment `j`. */
  segmentLength(j: number): number {
    return Math.min(this.segmentSize, this.size - j * this.segmentSize);
  }

  /** Bytes of each piece of segment `j`. */
  pieceLength(j: number): number {
    return Math.ceil(this.segmentLength(j) / this.k);
  }

  /** Offset of segment `j`'s piece in a shard object (all but the last segment are full). */
  pieceOffset(j: number): number {
    return HEADER_SIZE + j * (Math.ceil(this.segmentSize / this.k) + CHECKSUM_SIZE);
  }

  /** The size every shard object of this file has. */
  get shardObjectSize(): number {
    if (this.segments === 0) return HEADER_SIZE + TRAILER_SIZE;
    const last = this.segments - 1;
    return this.pieceOffset(last) + this.pieceLength(last) + CHECKSUM_SIZE + TRAILER_SIZE;
  }
}
