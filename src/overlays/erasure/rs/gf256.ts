/**
 * Arithmetic in GF(2^8) built on the primitive polynomial x^8+x^4+x^3+x^2+1 (0x11D) with generator 2.
 * The erasure format stores bytes computed in this field, so the polynomial and generator never change.
 */

/** The field's reducing polynomial, x^8+x^4+x^3+x^2+1. */
export const POLYNOMIAL = 0x11d;

/** EXP[i] = 2^i. Doubled (510 entries) so EXP[LOG[a] + LOG[b]] needs no modulo 255. */
export const EXP = new Uint8Array(510);
/** LOG[a] = i with 2^i = a, for a ≠ 0 (LOG[0] is meaningless). */
export const LOG = new Uint8Array(256);

for (let i = 0, x = 1; i < 255; i++) {
  EXP[i] = x;
  EXP[i + 255] = x;
  LOG[x] = i;
  x <<= 1;
  if (x & 0x100) x ^= POLYNOMIAL;
}

/** a·b in the field. */
export function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
}

/** 1/a in the field; a RangeError for 0, which has no inverse. */
export function inv(a: number): number {
  if (a === 0) throw new RangeError("0 has no inverse in GF(2^8)");
  return EXP[255 - LOG[a]];
}

let products: Uint8Array | undefined;

/** The 64 KiB table of every product: row c (256 bytes from c·256) holds c·x for x = 0..255. Built on first use. */
export function productTable(): Uint8Array {
  if (products) return products;
  products = new Uint8Array(65536);
  for (let c = 1; c < 256; c++) {
    for (let x = 1; x < 256; x++) products[c * 256 + x] = EXP[LOG[c] + LOG[x]];
  }
  return products;
}
