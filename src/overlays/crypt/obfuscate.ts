/**
 * rclone's `filename_encryption = obfuscate`: a per-name rotation of digits, letters and non-ASCII
 * characters keyed by the name's code point sum and the name key. It hides nothing from a determined
 * reader; it only keeps names from being read at a glance.
 */
import { FormatError } from "../../fs/errors.js";

/** Sum of the name key's bytes, the fixed part of every rotation. */
export function nameKeySum(nameKey: Uint8Array): number {
  return nameKey.reduce((a, b) => a + b, 0);
}

/** Rotates `c` by `t` within its class (forward), or returns undefined if it has none. */
function rotate(c: number, t: number, dir: 1 | -1): number | undefined {
  const mod = (a: number, n: number) => ((a % n) + n) % n;
  if (c >= 0x30 && c <= 0x39) return 0x30 + mod(c - 0x30 + dir * t, 10);
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) {
    // A..Z then a..z as one 52-letter alphabet.
    const p = c >= 0x61 ? c - 0x61 + 26 : c - 0x41;
    const q = mod(p + dir * t, 52);
    return q >= 26 ? 0x61 + q - 26 : 0x41 + q;
  }
  if (c >= 0xa0 && c <= 0xff) return 0xa0 + mod(c - 0xa0 + dir * t, 96);
  if (c >= 0x100) {
    const base = c - (c % 256);
    return base + mod(c - base + dir * t, 256);
  }
  return undefined;
}

/** The rotation amount for code point `c` given the running value `d`. */
function amount(c: number, d: number): number {
  if (c >= 0x30 && c <= 0x39) return (d % 9) + 1;
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return (d % 25) + 1;
  if (c >= 0xa0 && c <= 0xff) return (d % 95) + 1;
  return (d % 127) + 1;
}

/** A lone surrogate or a rotation into the surrogate range: not a character a name can hold. */
const isSurrogate = (c: number) => c >= 0xd800 && c <= 0xdfff;

/** Obfuscates one path segment. */
export function obfuscateSegment(segment: string, keySum: number): string {
  if (segment === "") return "";
  let sum = 0;
  for (const ch of segment) sum += ch.codePointAt(0) as number;
  const dir = sum % 256;
  const d = dir + keySum;
  let out = `${dir}.`;
  for (const ch of segment) {
    const c = ch.codePointAt(0) as number;
    if (c === 0x21) {
      out += "!!";
      continue;
    }
    const r = isSurrogate(c) ? undefined : rotate(c, amount(c, d), 1);
    if (r === undefined) out += ch;
    else if (isSurrogate(r)) out += `!${ch}`;
    else out += String.fromCodePoint(r);
  }
  return out;
}

/** Reverses `obfuscateSegment`. Throws `FormatError` for a segment rclone could not have written. */
export function deobfuscateSegment(segment: string, keySum: number): string {
  if (segment === "") return "";
  const dot = segment.indexOf(".");
  if (dot < 0) throw new FormatError("not an encrypted file - no dot");
  const prefix = segment.slice(0, dot);
  const rest = segment.slice(dot + 1);
  if (prefix === "!") return rest;
  // Go's Atoi: optional sign, decimal digits only.
  if (!/^[+-]?\d+$/.test(prefix)) throw new FormatError("not an encrypted file - no valid prefix");
  const d = Number.parseInt(prefix, 10) + keySum;
  let out = "";
  let quoted = false;
  for (const ch of rest) {
    const c = ch.codePointAt(0) as number;
    if (quoted) {
      out += ch;
      quoted = false;
      continue;
    }
    if (c === 0x21) {
      quoted = true;
      continue;
    }
    const r = isSurrogate(c) ? undefined : rotate(c, amount(c, d), -1);
    out += r === undefined ? ch : String.fromCodePoint(r);
  }
  return out;
}
