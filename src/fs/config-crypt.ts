/**
 * rclone's encrypted config file (`RCLONE_ENCRYPT_V0:`): after optional comment lines, that marker,
 * then standard base64 of a 24-byte nonce followed by a NaCl secretbox (XSalsa20-Poly1305) of the
 * plain rclone.conf. The key is SHA-256 of `[` + password + `][rclone-config]`, the password NFKC-
 * normalised first (rclone 1.60, fs/config/crypt.go).
 */
import { createHash, randomBytes } from "node:crypto";
import { FsError } from "./errors.js";

const MARKER = "RCLONE_ENCRYPT_V0:";
const NONCE_LENGTH = 24;
/** Poly1305 tag length: the smallest box holds an empty config. */
const TAG_LENGTH = 16;

/** Where the encrypted data starts in `text`, or -1 when the file is not encrypted. */
function encryptedDataAt(text: string, file: string): number {
  let at = 0;
  while (at < text.length) {
    const nl = text.indexOf("\n", at);
    const end = nl < 0 ? text.length : nl + 1;
    const line = text.slice(at, end).trim();
    if (line === MARKER) return end;
    if (line !== "" && !line.startsWith("#") && !line.startsWith(";")) {
      if (line.startsWith("RCLONE_ENCRYPT_V")) {
        throw new FsError("ConfigInvalid", `config file "${file}": unsupported configuration encryption "${line}"`);
      }
      return -1;
    }
    at = end;
  }
  return -1;
}

/**
 * True when `text` is an encrypted rclone config: its first line that is neither blank nor a comment
 * is `RCLONE_ENCRYPT_V0:`. Throws `ConfigInvalid` for a later encryption version.
 */
export function isEncryptedConfig(text: string, file: string): boolean {
  return encryptedDataAt(text, file) >= 0;
}

/**
 * The 32-byte key for `password`. Throws `ConfigInvalid` when the password has no characters other
 * than white space (rclone refuses those too).
 */
export function configKey(password: string): Uint8Array {
  if (password.trim() === "") throw new FsError("ConfigInvalid", "no characters in config password");
  return createHash("sha256")
    .update(`[${password.normalize("NFKC")}][rclone-config]`, "utf8")
    .digest();
}

/**
 * The plain text of an encrypted config. Throws `ConfigInvalid` naming `file` when the data is not
 * base64 or too short, or when `key` does not open it (a wrong password: the box fails to authenticate).
 */
export async function decryptConfig(text: string, key: Uint8Array, file: string): Promise<string> {
  const data = text.slice(encryptedDataAt(text, file)).replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) {
    throw new FsError("ConfigInvalid", `config file "${file}": the encrypted data is not valid base64`);
  }
  const box = Buffer.from(data, "base64");
  if (box.length < NONCE_LENGTH + TAG_LENGTH) {
    throw new FsError("ConfigInvalid", `config file "${file}": the encrypted data is too short`);
  }
  const { xsalsa20poly1305 } = await import("@noble/ciphers/salsa.js");
  try {
    const plain = xsalsa20poly1305(key, box.subarray(0, NONCE_LENGTH)).decrypt(box.subarray(NONCE_LENGTH));
    return Buffer.from(plain).toString("utf8");
  } catch (err) {
    throw new FsError("ConfigInvalid", `config file "${file}": cannot decrypt it, most likely a wrong password`, {
      cause: err,
    });
  }
}

/** `plain` encrypted under `key` with a fresh nonce, laid out as rclone writes it. */
export async function encryptConfig(plain: string, key: Uint8Array): Promise<string> {
  const { xsalsa20poly1305 } = await import("@noble/ciphers/salsa.js");
  const nonce = randomBytes(NONCE_LENGTH);
  const box = xsalsa20poly1305(key, nonce).encrypt(Buffer.from(plain, "utf8"));
  const data = Buffer.concat([nonce, box]).toString("base64");
  return `# Encrypted rclone configuration File\n\n${MARKER}\n${data}`;
}
