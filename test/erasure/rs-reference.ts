/**
 * A slow, obviously correct model of the erasure code, written from its definition (docs/erasure-rs.md) and
 * sharing no code with src/overlays/erasure/rs: the tests hold the fast codec to it.
 */

/** a·b in GF(2^8) mod x^8+x^4+x^3+x^2+1, by shift and add. */
export function referenceMul(a: number, b: number): number {
  let product = 0;
  for (let bit = 0; bit < 8; bit++) {
    if (b & (1 << bit)) product ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11d;
  }
  return product;
}

/** 1/a by trying every b. */
export function referenceInv(a: number): number {
  for (let b = 1; b < 256; b++) if (referenceMul(a, b) === 1) return b;
  throw new RangeError(`${a} has no inverse`);
}

/** Row i of the encoding matrix: unit row i for data shards, then 1 / ((k + p) XOR j) for parity shard p. */
export function referenceRow(k: number, i: number): number[] {
  return Array.from({ length: k }, (_, j) => (i < k ? Number(i === j) : referenceInv((k + (i - k)) ^ j)));
}

/** The m parity shards of `data`, byte by byte. */
export function referenceEncode(data: readonly Uint8Array[], m: number): Uint8Array[] {
  const k = data.length;
  const length = data[0]?.length ?? 0;
  return Array.from({ length: m }, (_, p) => {
    const row = referenceRow(k, k + p);
    const out = new Uint8Array(length);
    for (let x = 0; x < length; x++) {
      for (let j = 0; j < k; j++) out[x] ^= referenceMul(row[j] as number, data[j]?.[x] as number);
    }
    return out;
  });
}
