/**
 * File names that are not valid UTF-8 survive a round trip as JavaScript strings the way Python's
 * "surrogateescape" does it: each undecodable byte b becomes the lone surrogate U+DC00+b, and back.
 */
import { FsError } from "../fs/errors.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Decodes raw name bytes, escaping bytes that are not part of valid UTF-8. */
export function decodeName(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    let out = "";
    for (let i = 0; i < bytes.length; ) {
      const n = validSequenceLength(bytes, i);
      if (n === 0) {
        out += String.fromCharCode(0xdc00 + (bytes[i] as number));
        i++;
      } else {
        out += decoder.decode(bytes.subarray(i, i + n));
        i += n;
      }
    }
    return out;
  }
}

/** Length of the valid UTF-8 sequence at `i`, or 0. */
function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i] as number;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) =>
    i + k < b.length && (b[i + k] as number) >= lo && (b[i + k] as number) <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The OS form of a path: the string itself when it is well-formed, else bytes with escaped bytes restored.
 * Throws `PathEscape` for a lone surrogate that no escaped byte explains.
 */
export function encodePath(path: string): string | Buffer {
  if (!LONE_SURROGATE.test(path)) return path;
  const parts: Buffer[] = [];
  let run = "";
  for (let i = 0; i < path.length; i++) {
    const u = path.charCodeAt(i);
    const paired =
      (u >= 0xd800 && u <= 0xdbff && i + 1 < path.length && (path.charCodeAt(i + 1) & 0xfc00) === 0xdc00) ||
      (u >= 0xdc00 && u <= 0xdfff && i > 0 && (path.charCodeAt(i - 1) & 0xfc00) === 0xd800);
    if (u >= 0xdc80 && u <= 0xdcff && !paired) {
      parts.push(Buffer.from(run, "utf8"), Buffer.of(u - 0xdc00));
      run = "";
    } else if (u >= 0xd800 && u <= 0xdfff && !paired) {
      throw new FsError("PathEscape", "name is not valid Unicode (lone surrogate)", { path: JSON.stringify(path) });
    } else run += path[i];
  }
  parts.push(Buffer.from(run, "utf8"));
  return Buffer.concat(parts);
}
