/**
 * Seekable zstd (the layout rclone ≥ 1.72 writes for `mode=zstd`): one zstd frame per 1 MiB of input,
 * then a skippable frame holding the seek table (facebook/zstd contrib/seekable_format). The
 * metadata's `BlockData` lists 0 and each frame's cumulative end offset. Frames are compressed by
 * @toondepauw/node-zstd (libzstd) on libuv's thread pool, several at a time; any zstd decoder reads
 * the whole object (skippable frames are skipped). Pure: no Fs.
 */
import type { Decoder, Encoder } from "@toondepauw/node-zstd";
import { ByteReader } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import type { Body } from "../../fs/types.js";
import { type Block, mapOrdered } from "./blocks.js";
import type { OpenRange } from "./gzip.js";
import type { BlockMeta } from "./meta.js";

export const ZSTD_FRAME_SIZE = 1 << 20;
/** rclone's default zstd level (klauspost SpeedDefault), which its compressibility test uses. */
export const ZSTD_DEFAULT_LEVEL = 2;
const SKIPPABLE_MAGIC = 0x184d2a5e;
const SEEKABLE_MAGIC = 0x8f92eab1;
const FOOTER_SIZE = 9;
const CHECKSUM_FLAG = 0x80;

/**
 * libzstd levels for rclone's 0–4 (klauspost's encoder levels are modelled on zstd 1, 3, 7 and 11);
 * rclone's 0, "no compression", becomes zstd's fastest negative level.
 */
const LEVELS: Record<number, number> = { 0: -7, 1: 1, 2: 3, 3: 7, 4: 11 };

export const zstdLevelOk = (level: number) => level in LEVELS;

/** One encoder per libzstd level: an encoder keeps only its level, so concurrent frames may share it. */
const encoders = new Map<number, Encoder>();
let decoder: Decoder | undefined;
let binding: Promise<typeof import("@toondepauw/node-zstd")> | undefined;
/** The libzstd binding, loaded on first use: loading it costs every command a tenth of a second of start-up. */
const zstd = () => {
  binding ??= import("@toondepauw/node-zstd");
  return binding;
};

/** `data` as one zstd frame at rclone's `level` (0–4), compressed on libuv's thread pool. */
export async function compressFrame(data: Uint8Array, level: number): Promise<Buffer> {
  const zstdLevel = LEVELS[level] ?? (LEVELS[ZSTD_DEFAULT_LEVEL] as number);
  let encoder = encoders.get(zstdLevel);
  if (!encoder) {
    encoder = new (await zstd()).Encoder(zstdLevel);
    encoders.set(zstdLevel, encoder);
  }
  return encoder.encode(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
}

/** rclone's test: the first block as one frame plus a one-entry seek table must beat the input by 10%. */
export async function zstdCompressible(first: Block): Promise<{ compressible: boolean; frame: Buffer }> {
  const frame = await compressFrame(first.data, ZSTD_DEFAULT_LEVEL);
  const total = frame.length + seekTableSize(1, true);
  return { compressible: first.data.length > 0 && first.data.length / total > 1.1, frame };
}

/** Bytes of a seek table for `frames` entries (8 bytes each, 12 with checksums). */
function seekTableSize(frames: number, checksums: boolean): number {
  return 8 + frames * (checksums ? 12 : 8) + FOOTER_SIZE;
}

/**
 * The seek table frame. Entries carry no checksum (the format makes them optional; Node has no
 * xxhash64): a full read is checked against the metadata's MD5 instead.
 */
function seekTable(entries: [number, number][]): Buffer {
  const out = Buffer.alloc(seekTableSize(entries.length, false));
  out.writeUInt32LE(SKIPPABLE_MAGIC, 0);
  out.writeUInt32LE(out.length - 8, 4);
  let at = 8;
  for (const [c, d] of entries) {
    out.writeUInt32LE(c, at);
    out.writeUInt32LE(d, at + 4);
    at += 8;
  }
  out.writeUInt32LE(entries.length, at);
  out.writeUInt8(0, at + 4);
  out.writeUInt32LE(SEEKABLE_MAGIC, at + 5);
  return out;
}

/**
 * The seekable zstd object for `blocks` (from `splitBlocks` at ZSTD_FRAME_SIZE); empty blocks make
 * no frame. `firstFrame` is block 0 already compressed at `level`, if any. `result()` is valid once
 * the body has been read to its end.
 */
export function zstdEncode(
  blocks: AsyncIterable<Block>,
  level: number,
  concurrency: number,
  firstFrame?: Uint8Array,
): { body: Body; result: () => { blocks: BlockMeta } } {
  const offsets = [0];
  const entries: [number, number][] = [];
  let size = 0;
  let finished = false;
  const nonEmpty = async function* () {
    for await (const b of blocks) {
      size += b.data.length;
      if (b.data.length > 0) yield b;
    }
  };
  const encode = async (b: Block) => ({
    frame: b.index === 0 && firstFrame ? firstFrame : await compressFrame(b.data, level),
    raw: b.data.length,
  });
  const body = async function* (): Body {
    for await (const { frame, raw } of mapOrdered(nonEmpty(), encode, concurrency)) {
      offsets.push((offsets.at(-1) as number) + frame.length);
      entries.push([frame.length, raw]);
      yield frame;
    }
    yield seekTable(entries);
    finished = true;
  };
  return {
    body: body(),
    result: () => {
      if (!finished) throw new Error("zstdEncode: result() before the body ended");
      return { blocks: { BlockSize: ZSTD_FRAME_SIZE, Size: size, BlockData: offsets } };
    },
  };
}

interface ZstdLayout {
  frameSize: number;
  size: number;
  /** Cumulative frame end offsets, starting with 0. */
  offsets: number[];
}

/**
 * Checks block metadata against the object's size: frames of `BlockSize` input each, then a seek
 * table of one entry per frame. Returns why it does not fit, as a string, or the layout.
 */
export function zstdLayout(meta: BlockMeta, size: number, objectSize: number): ZstdLayout | string {
  const offsets = meta.BlockData;
  if (!offsets || offsets.length < 1 || offsets[0] !== 0 || meta.BlockSize <= 0)
    return "zstd block metadata is missing";
  if (meta.Size !== size) return `block metadata size ${meta.Size} differs from the file's ${size}`;
  const frames = offsets.length - 1;
  if (frames !== Math.ceil(size / meta.BlockSize)) return "BlockData does not hold one frame per block";
  if (offsets.some((o, i) => i > 0 && o <= (offsets[i - 1] as number))) return "BlockData offsets do not increase";
  const tail = objectSize - (offsets[frames] as number);
  if (tail !== seekTableSize(frames, false) && tail !== seekTableSize(frames, true)) {
    return `compressed size is ${objectSize}, which does not fit the block metadata (truncated or replaced)`;
  }
  return { frameSize: meta.BlockSize, size, offsets };
}

const corrupt = (path: string, why: string, cause?: unknown) =>
  new FsError("Corrupt", `zstd data is corrupt: ${why}`, { path, cause });

/**
 * Uncompressed bytes [start, end) of a seekable zstd object: decompresses only the frames the range
 * touches, `concurrency` at a time, each checked for its length (and its checksum when the frame has
 * one: rclone's do, strata's do not); a frame that fails throws before any of its bytes, naming the
 * frame. A read of the whole file also checks the seek table; the caller checks the content's MD5.
 */
export async function* zstdDecode(
  open: OpenRange,
  layout: ZstdLayout,
  start: number,
  end: number,
  concurrency: number,
  path: string,
): Body {
  const whole = start === 0 && end === layout.size;
  if (end <= start && !whole) return;
  const { frameSize, offsets } = layout;
  const frames = offsets.length - 1;
  const first = whole ? 0 : Math.floor(start / frameSize);
  const last = whole ? frames - 1 : Math.floor((end - 1) / frameSize);
  const from = offsets[first] as number;
  const to = offsets[last + 1] as number;
  const reader = new ByteReader(await open(from, whole ? Number.MAX_SAFE_INTEGER : to - from));
  const expected = (i: number) => Math.min(frameSize, layout.size - i * frameSize);
  async function* compressedFrames() {
    for (let i = first; i <= last; i++) {
      const len = (offsets[i + 1] as number) - (offsets[i] as number);
      const bytes = await reader.read(len);
      if (bytes.length !== len) throw corrupt(path, `frame ${i} is truncated`);
      yield { i, bytes };
    }
  }
  const inflate = async ({ i, bytes }: { i: number; bytes: Uint8Array }) => {
    decoder ??= new (await zstd()).Decoder();
    let out: Buffer;
    try {
      out = await decoder.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      // The binding's message stays in the cause: the error names the file and the frame.
      throw corrupt(path, `frame ${i} does not decompress`, err);
    }
    if (out.length !== expected(i)) throw corrupt(path, `frame ${i} holds ${out.length} bytes, not ${expected(i)}`);
    return { i, out };
  };
  try {
    for await (const { i, out } of mapOrdered(compressedFrames(), inflate, concurrency)) {
      const base = i * frameSize;
      const lo = Math.max(start, base) - base;
      const hi = Math.min(end, base + out.length) - base;
      if (hi > lo) yield out.subarray(lo, hi);
    }
    if (whole) {
      const tail = Buffer.from(await reader.read(seekTableSize(frames, true) + 1));
      if (!checkSeekTable(tail, offsets, layout.size, frameSize)) throw corrupt(path, "bad seek table");
    }
  } finally {
    await reader.close();
  }
}

/** Whether `tail` is exactly a seek table agreeing with the frame offsets and sizes. */
function checkSeekTable(tail: Buffer, offsets: number[], size: number, frameSize: number): boolean {
  if (tail.length < 8 + FOOTER_SIZE || tail.readUInt32LE(0) !== SKIPPABLE_MAGIC) return false;
  if (tail.readUInt32LE(4) !== tail.length - 8) return false;
  const footer = tail.length - FOOTER_SIZE;
  const frames = tail.readUInt32LE(footer);
  const checksums = (tail.readUInt8(footer + 4) & CHECKSUM_FLAG) !== 0;
  if (tail.readUInt32LE(footer + 5) !== SEEKABLE_MAGIC || frames !== offsets.length - 1) return false;
  if (tail.length !== seekTableSize(frames, checksums)) return false;
  const entry = checksums ? 12 : 8;
  for (let i = 0; i < frames; i++) {
    const c = tail.readUInt32LE(8 + i * entry);
    const d = tail.readUInt32LE(12 + i * entry);
    if (c !== (offsets[i + 1] as number) - (offsets[i] as number)) return false;
    if (d !== Math.min(frameSize, size - i * frameSize)) return false;
  }
  return true;
}
