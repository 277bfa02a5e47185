/** Chunker options for tests that build a `ChunkerFs` directly: rclone's defaults with tiny chunks. */
import type { ChunkerOptions } from "../../src/overlays/chunker/index.js";

/** rclone's chunker defaults with 1000-byte chunks, then `overrides`. */
export function chunkerOptions(overrides: Partial<ChunkerOptions> = {}): ChunkerOptions {
  return {
    remote: "",
    chunk_size: 1000,
    name_format: "*.rclone_chunk.###",
    start_from: 1,
    meta_format: "simplejson",
    hash_type: "md5",
    fail_hard: false,
    transactions: "rename",
    ...overrides,
  };
}
