/**
 * Remote paths as URL paths and back. Every byte outside RFC 3986's unreserved set is percent-encoded,
 * so any name a file system holds (control characters, `%`, `#`, `?`) survives the trip; a name with
 * bytes that are not UTF-8 travels in the surrogate-escaped form the local backend gives it.
 */
import { decodeName, encodePath } from "../raw-names.js";

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** The percent-encoded form of one path (segments joined by `/`, which stays as is). */
export function encodeUrlPath(path: string): string {
  const raw = encodePath(path);
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && (c === "/" || UNRESERVED.test(c)) ? c : `%${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Decodes a percent-encoded URL path to the name it stands for (bytes that are not UTF-8 escaped). */
export function decodeUrlPath(encoded: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; ) {
    if (encoded[i] === "%" && /^[0-9a-fA-F]{2}$/.test(encoded.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(encoded.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const cp = encoded.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, "utf8"));
      i += ch.length;
    }
  }
  return decodeName(Uint8Array.from(bytes));
}

/** The path part of an href, which servers give either as an absolute path or as a full URL. */
export function hrefPath(href: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/]*(\/.*)?$/.exec(href);
  const path = m ? (m[1] ?? "/") : href;
  const query = path.search(/[?#]/);
  return query < 0 ? path : path.slice(0, query);
}
