/**
 * EME (Halevi–Rogaway ECB-Mix-ECB) over AES-256, the wide-block mode rclone encrypts names with
 * (github.com/rfjakob/eme). Written here on node:crypto's AES-ECB because no maintained npm package
 * implements it. Inputs are 1..128 blocks of 16 bytes.
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

const BLOCK = 16;
export const EME_MAX_BLOCKS = 128;

/** AES-256-ECB over whole blocks, encrypting or decrypting. */
function ecb(key: Uint8Array, data: Uint8Array, encrypt: boolean): Buffer {
  const c = encrypt ? createCipheriv("aes-256-ecb", key, null) : createDecipheriv("aes-256-ecb", key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Doubling in GF(2^128), bytes little-endian (byte 0 least significant), as rfjakob/eme. */
function mul2(x: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK);
  out[0] = ((x[0] as number) << 1) ^ ((x[15] as number) >= 0x80 ? 0x87 : 0);
  for (let j = 1; j < BLOCK; j++) out[j] = ((x[j] as number) << 1) | ((x[j - 1] as number) >> 7);
  return out;
}

function xorInto(dst: Uint8Array, at: number, src: Uint8Array, srcAt = 0): void {
  for (let i = 0; i < BLOCK; i++) dst[at + i] = (dst[at + i] as number) ^ (src[srcAt + i] as number);
}

/**
 * EME-encrypts (`encrypt` true) or decrypts `input` under `key` with `tweak`. Throws RangeError for a
 * length that is not 1..128 whole blocks.
 */
export function eme(key: Uint8Array, tweak: Uint8Array, input: Uint8Array, encrypt: boolean): Uint8Array {
  const m = input.length / BLOCK;
  if (!Number.isInteger(m) || m < 1 || m > EME_MAX_BLOCKS) {
    throw new RangeError(`EME input must be 1 to ${EME_MAX_BLOCKS} blocks, got ${input.length} bytes`);
  }
  // L_j = 2^j · E(0); the table always uses the forward cipher.
  const table: Uint8Array[] = [];
  let l: Uint8Array = ecb(key, new Uint8Array(BLOCK), true);
  for (let j = 0; j < m; j++) {
    l = mul2(l);
    table.push(l);
  }
  const buf = Uint8Array.from(input);
  for (let j = 0; j < m; j++) xorInto(buf, j * BLOCK, table[j] as Uint8Array);
  const ppp = ecb(key, buf, encrypt);
  const mp = Uint8Array.from(tweak);
  for (let j = 0; j < m; j++) xorInto(mp, 0, ppp, j * BLOCK);
  const mc = ecb(key, mp, encrypt);
  let mix: Uint8Array = Uint8Array.from(mp);
  xorInto(mix, 0, mc);
  const ccc = new Uint8Array(m * BLOCK);
  for (let j = 1; j < m; j++) {
    mix = mul2(mix);
    ccc.set(ppp.subarray(j * BLOCK, (j + 1) * BLOCK), j * BLOCK);
    xorInto(ccc, j * BLOCK, mix);
  }
  ccc.set(mc, 0);
  xorInto(ccc, 0, tweak);
  for (let j = 1; j < m; j++) xorInto(ccc, 0, ccc, j * BLOCK);
  const out = ecb(key, ccc, encrypt);
  for (let j = 0; j < m; j++) xorInto(out, j * BLOCK, table[j] as Uint8Array);
  return out;
}
