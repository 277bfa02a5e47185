/**
 * A file's bytes as a compress data object: rclone's compressibility test on the first block decides
 * between compressing in the remote's mode and storing as is; the MIME type is sniffed from the same
 * block. Pure: no Fs, so it is tested and benchmarked on bodies alone.
 */
import type { Body } from "../../fs/types.js";
import { type Block, splitBlocks } from "./blocks.js";
import { GZIP_BLOCK_SIZE, GZIP_DEFAULT_LEVEL, gzipCompressible, gzipEncode } from "./gzip.js";
import type { CompressMeta } from "./meta.js";
import { MODE_STORED, MODE_ZSTD, type Mode } from "./names.js";
import { sniffMime } from "./sniff.js";
import { ZSTD_DEFAULT_LEVEL, ZSTD_FRAME_SIZE, zstdCompressible, zstdEncode } from "./zstd.js";

/** How new compressible data is encoded. */
export interface Encoding {
  /** MODE_GZIP or MODE_ZSTD. */
  mode: Mode;
  level: number;
  /** Blocks compressed at once. */
  concurrency: number;
}

export interface Encoded {
  /** The encoding's mode, or MODE_STORED when the first block did not compress. */
  mode: Mode;
  mime: string;
  dataBody: Body;
  /** The block metadata of a compressed mode, valid once `dataBody` has been read to its end. */
  blockMeta?: () => CompressMeta["blocks"];
}

/** The data object's bytes for `body` (see the module comment). */
export async function encodeBody(body: Body, { mode, level, concurrency }: Encoding): Promise<Encoded> {
  const zstd = mode === MODE_ZSTD;
  const blocks = splitBlocks(body, zstd ? ZSTD_FRAME_SIZE : GZIP_BLOCK_SIZE);
  const first = (await blocks.next()).value as Block;
  const mime = sniffMime(first.data);
  const test = zstd ? await zstdCompressible(first) : await gzipCompressible(first);
  const all = (async function* () {
    yield first;
    yield* blocks;
  })();
  if (!test.compressible) {
    const dataBody = (async function* () {
      for await (const b of all) if (b.data.length > 0) yield b.data;
    })();
    return { mode: MODE_STORED, mime, dataBody };
  }
  // The test compressed the first block at the default level: a default-level write reuses it.
  const reuse = "frame" in test ? test.frame : test.deflated;
  const enc = zstd
    ? zstdEncode(all, level, concurrency, level === ZSTD_DEFAULT_LEVEL ? reuse : undefined)
    : gzipEncode(all, level, concurrency, level === GZIP_DEFAULT_LEVEL ? reuse : undefined);
  return { mode, mime, dataBody: enc.body, blockMeta: () => enc.result().blocks };
}
