/**
 * rclone's reversible "obscure" of passwords in config: AES-256-CTR under a public key, random IV,
 * unpadded URL-safe base64 of IV‖ciphertext. Keeps passwords from a glance, nothing more.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { FsError } from "./errors.js";

const KEY = Buffer.from("9c935b48730a554d6bfd7c63c886a92bd390198eb8128afbf4de162b8b95f638", "hex");
const IV_LENGTH = 16;

function ctr(iv: Uint8Array, data: Uint8Array): Buffer {
  const c = createCipheriv("aes-256-ctr", KEY, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Obscures bytes with the given IV (random when omitted). */
export function obscureBytes(plain: Uint8Array, iv: Uint8Array = randomBytes(IV_LENGTH)): string {
  return Buffer.concat([iv, ctr(iv, plain)]).toString("base64url");
}

/** Obscures a text password. */
export function obscure(plain: string, iv?: Uint8Array): string {
  return obscureBytes(Buffer.from(plain, "utf8"), iv);
}

/** Reveals to bytes. Throws `ConfigInvalid` on bad base64 or a too short input. */
export function revealBytes(obscured: string): Uint8Array {
  // Strict base64url without padding, as Go's RawURLEncoding: Node's decoder would skip bad characters.
  if (!/^[A-Za-z0-9_-]*$/.test(obscured) || obscured.length % 4 === 1) {
    throw new FsError("ConfigInvalid", "failed to decrypt password: base64 decode failed");
  }
  const raw = Buffer.from(obscured, "base64url");
  if (raw.length < IV_LENGTH) throw new FsError("ConfigInvalid", "failed to decrypt password: input too short");
  return ctr(raw.subarray(0, IV_LENGTH), raw.subarray(IV_LENGTH));
}

/** Reveals a text password (bytes decoded as UTF-8; rclone does not validate them either). */
export function reveal(obscured: string): string {
  return Buffer.from(revealBytes(obscured)).toString("utf8");
}

/** True if `value` reveals cleanly, i.e. looks already obscured (rclone's config create/update test). */
export function looksObscured(value: string): boolean {
  try {
    revealBytes(value);
    return true;
  } catch {
    return false;
  }
}
