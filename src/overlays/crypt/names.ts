/**
 * Name encryption as rclone's crypt: each path segment on its own, with EME + PKCS#7 + a text
 * encoding (`standard`), a keyed rotation (`obfuscate`) or a suffix (`off`); directory names only
 * with `directory_name_encryption`. A version tag (`-vYYYY-MM-DD-HHMMSS-mmm`) before a file name's
 * extension stays in clear, as rclone keeps it. Every decrypted segment is checked before use.
 */
import { FormatError, FsError } from "../../fs/errors.js";
import { unsafeSegment } from "../../fs/path.js";
import { EME_MAX_BLOCKS, eme } from "./eme.js";
import { decodeName, encodeName, type NameEncoding } from "./name-encoding.js";
import { deobfuscateSegment, nameKeySum, obfuscateSegment } from "./obfuscate.js";

export type NameMode = "standard" | "obfuscate" | "off";

export interface NameCipherOptions {
  mode: NameMode;
  dirNames: boolean;
  encoding: NameEncoding;
  /** Appended to file names in `off` mode ("" for none). */
  suffix: string;
  nameKey: Uint8Array;
  nameTweak: Uint8Array;
}

/** The longest segment EME can take: 128 blocks less at least one byte of padding. */
export const MAX_SEGMENT_BYTES = EME_MAX_BLOCKS * 16 - 1;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Why a decrypted (or to-be-encrypted) segment cannot be a name here, or undefined when it can:
 * separators, `.`/`..`, NUL and other control characters, and text that is not valid Unicode would
 * let a file written with someone else's key escape its directory or mislead a terminal.
 */
export function badSegment(segment: string): string | undefined {
  const unsafe = unsafeSegment(segment);
  if (unsafe) return unsafe;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
  if (/[\x00-\x1f\x7f]/.test(segment)) return "name contains control characters";
  // In `u` mode a paired surrogate is one code point: only lone ones (undecodable bytes) match.
  if (/\p{Cs}/u.test(segment)) return "name is not valid UTF-8";
  return undefined;
}

const VERSION_TAG = /-v\d{4}-\d{2}-\d{2}-\d{6}-\d{3}/;
const TAG_LENGTH = "-v2006-01-02-150405-000".length;

/** Go's path.Ext, with a leading-dot-only name having no extension (as rclone's version helper). */
function splitExt(name: string): [string, string] {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return [name, ""];
  return [name.slice(0, dot), name.slice(dot)];
}

/** A valid version tag just before the extension: the name without it, and the tag. */
function splitVersion(name: string): { bare: string; tag: string } | undefined {
  if (!VERSION_TAG.test(name)) return undefined;
  const [base, ext] = splitExt(name);
  if (base.length < TAG_LENGTH) return undefined;
  const tag = base.slice(base.length - TAG_LENGTH);
  const m = /^-v(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-(\d{3})$/.exec(tag);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Go's time.Parse refuses out-of-range fields (month 13, day 32, hour 24).
  const valid =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s;
  return valid ? { bare: base.slice(0, base.length - TAG_LENGTH) + ext, tag } : undefined;
}

function addVersion(name: string, tag: string): string {
  const [base, ext] = splitExt(name);
  return base + tag + ext;
}

function pkcs7Pad(bytes: Uint8Array): Uint8Array {
  const n = 16 - (bytes.length % 16);
  const out = new Uint8Array(bytes.length + n);
  out.set(bytes);
  out.fill(n, bytes.length);
  return out;
}

function pkcs7Unpad(bytes: Uint8Array): Uint8Array {
  const n = bytes[bytes.length - 1] as number;
  if (bytes.length === 0 || bytes.length % 16 !== 0 || n === 0 || n > 16) throw new FormatError("bad padding");
  for (let i = bytes.length - n; i < bytes.length; i++) if (bytes[i] !== n) throw new FormatError("bad padding");
  return bytes.subarray(0, bytes.length - n);
}

export class NameCipher {
  private readonly keySum: number;

  constructor(readonly o: NameCipherOptions) {
    this.keySum = nameKeySum(o.nameKey);
  }

  /** Encrypts one segment (standard or obfuscate). Throws `PathEscape` for a name it must refuse. */
  encryptSegment(segment: string): string {
    if (segment === "") return "";
    const bad = badSegment(segment);
    if (bad) throw new FsError("PathEscape", `cannot encrypt: ${bad}`, { path: segment });
    if (this.o.mode === "obfuscate") return obfuscateSegment(segment, this.keySum);
    const bytes = Buffer.from(segment, "utf8");
    if (bytes.length > MAX_SEGMENT_BYTES) {
      throw new FsError("Other", `name too long to encrypt: ${bytes.length} bytes (at most ${MAX_SEGMENT_BYTES})`, {
        path: segment,
      });
    }
    return encodeName(eme(this.o.nameKey, this.o.nameTweak, pkcs7Pad(bytes), true), this.o.encoding);
  }

  /** Decrypts one segment. Throws `FormatError` saying why it cannot be decrypted. */
  decryptSegment(segment: string): string {
    if (segment === "") return "";
    let plain: string;
    if (this.o.mode === "obfuscate") plain = deobfuscateSegment(segment, this.keySum);
    else {
      const raw = decodeName(segment, this.o.encoding);
      if (raw.length === 0 || raw.length % 16 !== 0) throw new FormatError("not a multiple of the block size");
      if (raw.length > EME_MAX_BLOCKS * 16) throw new FormatError("too long to decrypt");
      plain = utf8.decode(pkcs7Unpad(eme(this.o.nameKey, this.o.nameTweak, raw, false)));
    }
    const bad = badSegment(plain);
    if (bad) throw new FormatError(bad);
    return plain;
  }

  /** The stored form of a file path. */
  encryptFile(path: string): string {
    if (this.o.mode === "off") {
      for (const seg of path.split("/")) {
        const bad = seg === "" ? undefined : badSegment(seg);
        if (bad) throw new FsError("PathEscape", `cannot store: ${bad}`, { path });
      }
      return path + this.o.suffix;
    }
    return this.mapSegments(path, true, (seg) => this.encryptSegment(seg));
  }

  /** The stored form of a directory path. */
  encryptDir(path: string): string {
    if (this.o.mode === "off" || !this.o.dirNames) return path;
    return this.mapSegments(path, true, (seg) => this.encryptSegment(seg));
  }

  /** The plaintext of a stored file path. Throws `FormatError` when it is not one this cipher wrote. */
  decryptFile(path: string): string {
    if (this.o.mode === "off") {
      const { suffix } = this.o;
      if (path.length <= suffix.length || !path.endsWith(suffix))
        throw new FormatError("not an encrypted file - no suffix");
      const plain = path.slice(0, path.length - suffix.length);
      const last = plain.slice(plain.lastIndexOf("/") + 1);
      const bad = badSegment(splitVersion(last)?.bare ?? last);
      if (bad) throw new FormatError(bad);
      return plain;
    }
    return this.mapSegments(path, false, (seg) => this.decryptSegment(seg));
  }

  /** The plaintext of a stored directory path. Throws `FormatError` when it is not one this cipher wrote. */
  decryptDir(path: string): string {
    if (this.o.mode === "off" || !this.o.dirNames) {
      for (const seg of path.split("/")) {
        const bad = seg === "" ? undefined : badSegment(seg);
        if (bad) throw new FormatError(bad);
      }
      return path;
    }
    return this.mapSegments(path, false, (seg) => this.decryptSegment(seg));
  }

  /**
   * Applies `fn` to the segments rclone processes: all of them with directory name encryption, else
   * the last; a version tag on the last segment is set aside and put back afterwards.
   */
  private mapSegments(path: string, encrypting: boolean, fn: (seg: string) => string): string {
    const segs = path.split("/");
    const last = segs.length - 1;
    return segs
      .map((seg, i) => {
        if (i !== last) {
          if (this.o.dirNames) return fn(seg);
          if (!encrypting) {
            const bad = seg === "" ? undefined : badSegment(seg);
            if (bad) throw new FormatError(bad);
          }
          return seg;
        }
        const v = splitVersion(seg);
        return v ? addVersion(fn(v.bare), v.tag) : fn(seg);
      })
      .join("/");
  }
}
