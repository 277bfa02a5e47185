/** One segment's n pieces, as docs/erasure-format.md ("Segments and pieces") defines them. */
import type { ReedSolomon } from "./rs/index.js";

/**
 * Cuts a segment of L bytes into k data pieces of ceil(L / k) bytes (the last ones zero-padded) and
 * encodes the m parity pieces from them; returns all n pieces by shard index. Upload and rebuild both
 * use it, so a rebuilt shard holds the bytes the upload wrote. Unpadded data pieces are views of
 * `segment`.
 */
export function segmentPieces(segment: Uint8Array, k: number, m: number, rs: ReedSolomon): Uint8Array[] {
  const p = Math.ceil(segment.length / k);
  const data: Uint8Array[] = [];
  for (let d = 0; d < k; d++) {
    const start = d * p;
    const end = Math.min(start + p, segment.length);
    if (end - start === p) {
      data.push(segment.subarray(start, end));
    } else {
      const padded = new Uint8Array(p);
      if (end > start) padded.set(segment.subarray(start, end));
      data.push(padded);
    }
  }
  const parity = Array.from({ length: m }, () => new Uint8Array(p));
  if (m > 0 && p > 0) rs.encode(data, parity);
  return [...data, ...parity];
}
