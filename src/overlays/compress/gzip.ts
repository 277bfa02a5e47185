/**
 * rclone's block gzip (sgzip): one gzip member whose DEFLATE stream restarts every 1 MiB of input
 * (fresh dictionary, byte-aligned by a sync flush), so each block inflates on its own and a reader can
 * start at any block with the metadata's `BlockData`. Blocks are deflated on libuv's thread pool
 * (zlib's async calls), several at a time. Pure: no Fs.
 */
import { promisify } from "node:util";
import { constants, crc32, deflateRaw, inflateRaw, type ZlibOptions } from "node:zlib";
import { ByteReader } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import type { Body } from "../../fs/types.js";
import { type Block, mapOrdered } from "./blocks.js";
import type { BlockMeta } from "./meta.js";

export const GZIP_BLOCK_SIZE = 1 << 20;
const HEADER_SIZE = 10;
const TRAILER_SIZE = 8;
/** rclone's default level, which its compressibility test always uses. */
export const GZIP_DEFAULT_LEVEL = -1;
/** A final, empty fixed-Huffman block: what DEFLATE's finish adds after a sync flush. */
const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);

const deflateRawAsync = promisify<Uint8Array, ZlibOptions, Buffer>(deflateRaw);
const inflateRawAsync = promisify<Uint8Array, ZlibOptions, Buffer>(inflateRaw);

/**
 * zlib settings for an rclone level: -2 Huffman only, -1 the default (klauspost's default is level
 * 5, so zlib's 5 rather than its own 6), 0 stored, 1–9 as they are.
 */
function zlibOptions(level: number): ZlibOptions {
  const base = { finishFlush: constants.Z_SYNC_FLUSH };
  if (level === -2) return { ...base, level: 1, strategy: constants.Z_HUFFMAN_ONLY };
  return { ...base, level: level === -1 ? 5 : level };
}

/** The 10-byte header sgzip writes: no name, MTIME of Go's zero time, XFL from the level, OS 255. */
export function gzipHeader(level: number): Uint8Array {
  const xfl = level === 9 ? 2 : level === 1 ? 4 : 0;
  return Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0x00, 0x09, 0x6e, 0x88, xfl, 0xff);
}

/** One block deflated and sync-flushed, without the final marker. */
export function deflateBlock(data: Uint8Array, level: number): Promise<Buffer> {
  return deflateRawAsync(data, zlibOptions(level));
}

/** A block's bytes in the stream: the final block also carries DEFLATE's end marker. */
function framed(deflated: Uint8Array, last: boolean): Uint8Array {
  return last ? Buffer.concat([deflated, FINAL_BLOCK]) : deflated;
}

/**
 * rclone's compressibility test on the first block (its first read, ≤ 1 MiB): the size sgzip would
 * write for it at the default level, header and trailer included, must beat the input by 10%.
 * Returns the verdict and the deflated block, which a default-level write reuses.
 */
export async function gzipCompressible(first: Block): Promise<{ compressible: boolean; deflated: Buffer }> {
  const deflated = await deflateBlock(first.data, GZIP_DEFAULT_LEVEL);
  // A full first block is followed by sgzip's empty final block.
  const tail = first.last ? FINAL_BLOCK.length : (await deflateBlock(new Uint8Array(0), GZIP_DEFAULT_LEVEL)).length + 2;
  const total = HEADER_SIZE + deflated.length + tail + TRAILER_SIZE;
  return { compressible: first.data.length > 0 && first.data.length / total > 1.1, deflated };
}

/** What a finished encoding wrote: the metadata's block list and the uncompressed size. */
export interface Encoded {
  blocks: BlockMeta;
}

/**
 * The gzip data object for `blocks` (from `splitBlocks` at GZIP_BLOCK_SIZE), deflating up to
 * `concurrency` blocks at once. `firstDeflated` is block 0 already deflated at `level`, if any.
 * `result()` is valid once the body has been read to its end.
 */
export function gzipEncode(
  blocks: AsyncIterable<Block>,
  level: number,
  concurrency: number,
  firstDeflated?: Uint8Array,
): { body: Body; result: () => Encoded } {
  const lengths: number[] = [HEADER_SIZE];
  let crc = 0;
  let size = 0;
  let finished = false;
  const compress = async (b: Block): Promise<Uint8Array> => {
    const deflated = b.index === 0 && firstDeflated ? firstDeflated : await deflateBlock(b.data, level);
    return framed(deflated, b.last);
  };
  const hashed = async function* () {
    for await (const b of blocks) {
      crc = crc32(b.data, crc);
      size += b.data.length;
      yield b;
    }
  };
  const body = async function* (): Body {
    yield gzipHeader(level);
    for await (const out of mapOrdered(hashed(), compress, concurrency)) {
      lengths.push(out.length);
      yield out;
    }
    const trailer = Buffer.alloc(TRAILER_SIZE);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(size % 2 ** 32, 4);
    yield trailer;
    finished = true;
  };
  return {
    body: body(),
    result: () => {
      if (!finished) throw new Error("gzipEncode: result() before the body ended");
      return { blocks: { BlockSize: GZIP_BLOCK_SIZE, Size: size, BlockData: lengths } };
    },
  };
}

/** Where a gzip object's blocks are, checked against the object's size. */
interface GzipLayout {
  blockSize: number;
  size: number;
  /** Byte offset of each block in the object, plus the trailer's offset at the end. */
  starts: number[];
}

/**
 * Checks block metadata against the data object's size (sum of BlockData + 8-byte trailer) and the
 * uncompressed size. Returns why it does not fit, as a string, or the layout.
 */
export function gzipLayout(meta: BlockMeta, size: number, objectSize: number): GzipLayout | string {
  const data = meta.BlockData;
  if (!data || data.length < 2 || meta.BlockSize <= 0) return "gzip block metadata is missing";
  if (meta.Size !== size) return `block metadata size ${meta.Size} differs from the file's ${size}`;
  if ((data[0] as number) < HEADER_SIZE) return "gzip header length in BlockData is too small";
  const starts: number[] = [];
  let at = 0;
  for (const n of data) {
    at += n;
    starts.push(at);
  }
  if (at + TRAILER_SIZE !== objectSize) {
    return `compressed size is ${objectSize}, block metadata says ${at + TRAILER_SIZE} (truncated or replaced)`;
  }
  if (data.length - 1 < Math.ceil(size / meta.BlockSize)) return "BlockData has too few blocks for the size";
  return { blockSize: meta.BlockSize, size, starts };
}

/** Opens a byte range of the data object. */
export type OpenRange = (offset: number, length: number) => Promise<Body>;

const corrupt = (path: string, why: string, cause?: unknown) =>
  new FsError("Corrupt", `gzip data is corrupt: ${why}`, { path, cause });

/**
 * Uncompressed bytes [start, end) of a gzip object: inflates only the blocks the range touches,
 * `concurrency` at a time. Throws `Corrupt` naming `path` when the data does not decode as its
 * metadata says: a block that does not inflate, or inflates to the wrong length, fails before any of
 * its bytes, naming the block. A read of the whole file also checks the header, CRC32 and ISIZE, which
 * catch a block that inflates to the right length but wrong bytes (the format keeps no checksum per
 * block, so that is found only after the last block).
 */
export async function* gzipDecode(
  open: OpenRange,
  layout: GzipLayout,
  start: number,
  end: number,
  concurrency: number,
  path: string,
): Body {
  const whole = start === 0 && end === layout.size;
  if (end <= start && !whole) return;
  const { blockSize, starts } = layout;
  const nBlocks = starts.length - 1;
  // Block i spans starts[i]..starts[i+1] and holds uncompressed bytes [i*blockSize, ...).
  const first = whole ? 0 : Math.floor(start / blockSize);
  const last = whole ? nBlocks - 1 : Math.floor((end - 1) / blockSize);
  const from = whole ? 0 : (starts[first] as number);
  const to = whole ? (starts[nBlocks] as number) + TRAILER_SIZE : (starts[last + 1] as number);
  const reader = new ByteReader(await open(from, to - from));
  const expected = (i: number) => Math.max(0, Math.min(blockSize, layout.size - i * blockSize));
  async function* compressedBlocks() {
    if (whole) {
      const header = await reader.read(starts[0] as number);
      if (header.length < HEADER_SIZE || header[0] !== 0x1f || header[1] !== 0x8b || header[2] !== 0x08) {
        throw corrupt(path, "bad gzip header");
      }
    }
    for (let i = first; i <= last; i++) {
      const len = (starts[i + 1] as number) - (starts[i] as number);
      const bytes = await reader.read(len);
      if (bytes.length !== len) throw corrupt(path, `block ${i} is truncated`);
      yield { i, bytes };
    }
  }
  const inflate = async ({ i, bytes }: { i: number; bytes: Uint8Array }) => {
    let out: Buffer;
    try {
      // A block holds at most one block of output: a damaged one cannot make zlib allocate more.
      out = await inflateRawAsync(bytes, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: expected(i) + 1 });
    } catch (err) {
      // zlib's message stays in the cause: the error names the file and the block.
      throw corrupt(path, `block ${i} does not inflate`, err);
    }
    if (out.length !== expected(i))
      throw corrupt(path, `block ${i} inflates to ${out.length} bytes, not ${expected(i)}`);
    return { i, out };
  };
  let crc = 0;
  try {
    for await (const { i, out } of mapOrdered(compressedBlocks(), inflate, concurrency)) {
      if (whole) crc = crc32(out, crc);
      const base = i * blockSize;
      const lo = Math.max(start, base) - base;
      const hi = Math.min(end, base + out.length) - base;
      if (hi > lo) yield out.subarray(lo, hi);
    }
    if (whole) {
      const trailer = await reader.read(TRAILER_SIZE);
      if (trailer.length !== TRAILER_SIZE || !(await reader.atEnd())) throw corrupt(path, "bad trailer length");
      const buf = Buffer.from(trailer);
      if (buf.readUInt32LE(0) !== crc >>> 0) throw corrupt(path, "CRC32 mismatch");
      if (buf.readUInt32LE(4) !== layout.size % 2 ** 32) throw corrupt(path, "ISIZE mismatch");
    }
  } finally {
    await reader.close();
  }
}
