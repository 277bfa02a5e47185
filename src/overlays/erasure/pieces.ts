/** One segment's n pieces, as docs/erasure-format.md ("Segments and pieces") defines them. */
import { CHECKSUM_SIZE, pieceChecksum } from "./format.js";
import type { ReedSolomon } from "./rs/index.js";

/**
 * Cuts segment `j` of L bytes into k data pieces of ceil(L / k) bytes (the last ones zero-padded),
 * encodes the m parity pieces from them, and returns, for each shard index in `wanted`, the bytes a
 * shard holds for this segment: the piece followed by its checksum, in one buffer so each shard
 * gets one write per segment. Upload and rebuild both use it, so a rebuilt shard holds the bytes
 * the upload wrote.
 */
export function segmentRecords(
  segment: Uint8Array,
  j: number,
  k: number,
  m: number,
  rs: ReedSolomon,
  wanted: readonly number[],
): Map<number, Uint8Array> {
  const p = Math.ceil(segment.length / k);
  // One allocation for the segment's records, left unfilled: every byte is written below (the data,
  // its zero padding, the parity and the checksums).
  const slab = Buffer.allocUnsafe((k + m) * (p + CHECKSUM_SIZE));
  const records = Array.from({ length: k + m }, (_, i) =>
    slab.subarray(i * (p + CHECKSUM_SIZE), (i + 1) * (p + CHECKSUM_SIZE)),
  );
  for (let d = 0; d < k; d++) {
    const start = Math.min(d * p, segment.length);
    const end = Math.min(start + p, segment.length);
    const record = records[d] as Uint8Array;
    record.set(segment.subarray(start, end));
    record.fill(0, end - start, p);
  }
  const pieces = records.map((r) => r.subarray(0, p));
  if (m > 0 && p > 0) rs.encode(pieces.slice(0, k), pieces.slice(k));
  const out = new Map<number, Uint8Array>();
  for (const i of wanted) {
    const record = records[i] as Uint8Array;
    record.set(pieceChecksum(record.subarray(0, p), j, i), p);
    out.set(i, record);
  }
  return out;
}
