/** The crypt cases of the rclone 1.60 fixture set (README: 05–13), on the shared fixture helpers. */
import { type ChunkerCase, loadCase } from "../chunker/fixtures.js";

export const CRYPT_CASES = [
  "05-crypt-standard",
  "06-crypt-password2",
  "07-crypt-obfuscate",
  "08-crypt-off",
  "09-crypt-over-chunker",
  "10-chunker-over-crypt",
  "11-crypt-base64",
  "12-crypt-base32768",
  "13-crypt-no-data-encryption",
] as const;

export interface CryptCase extends ChunkerCase {
  excluded: { path: string }[];
  name_map: { files: { plain: string; stored: string }[] };
}

export const loadCryptCase = (id: string) => loadCase(id) as CryptCase;
