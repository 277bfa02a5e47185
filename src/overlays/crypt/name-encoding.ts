/**
 * The text encodings of encrypted names (`filename_encoding`): base32hex lower case, URL-safe base64
 * and base32768, all without padding, as rclone's crypt. Decoders are strict: anything Go's decoders
 * refuse throws, so a stray file never decodes to a name by accident.
 */

import { decode as decode32768, encode as encode32768 } from "base32768";
import { FormatError } from "../../fs/errors.js";

export type NameEncoding = "base32" | "base64" | "base32768";

const HEX32 = "0123456789abcdefghijklmnopqrstuv";
const HEX32_VALUE = new Map([...HEX32].map((c, i) => [c, i]));

function encodeBase32(bytes: Uint8Array): string {
  let out = "";
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += HEX32[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += HEX32[(acc << (5 - bits)) & 31];
  return out;
}

/** Case-insensitive, as rclone upper-cases before decoding (so case-insensitive remotes work). */
function decodeBase32(text: string): Uint8Array {
  // Lengths that leave 1, 3 or 6 characters over cannot come from whole bytes.
  if ([1, 3, 6].includes(text.length % 8)) throw new FormatError("illegal base32 data: bad length");
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let acc = 0;
  let bits = 0;
  let at = 0;
  for (const c of text.toLowerCase()) {
    const v = HEX32_VALUE.get(c);
    if (v === undefined) throw new FormatError(`illegal base32 data: character ${JSON.stringify(c)}`);
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

function decodeBase64(text: string): Uint8Array {
  // Node's decoder skips bad characters; Go's RawURLEncoding refuses them and any padding.
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new FormatError("illegal base64 data");
  return Buffer.from(text, "base64url");
}

export function encodeName(bytes: Uint8Array, encoding: NameEncoding): string {
  switch (encoding) {
    case "base32":
      return encodeBase32(bytes);
    case "base64":
      return Buffer.from(bytes).toString("base64url");
    case "base32768":
      return encode32768(bytes);
  }
}

/** Throws `FormatError` for text that is not valid in `encoding`. */
export function decodeName(text: string, encoding: NameEncoding): Uint8Array {
  switch (encoding) {
    case "base32":
      return decodeBase32(text);
    case "base64":
      return decodeBase64(text);
    case "base32768":
      return decode32768(text);
  }
}
