/** cryptdecode: the names a crypt remote stores for plaintext names, and back, as rclone prints them. */
import { FsError } from "../../fs/errors.js";
import type { Fs } from "../../fs/types.js";
import { cryptFsOf } from "./fs.js";

/**
 * One `IN \t OUT` line per name (rclone's layout): decrypted names, or encrypted ones with `reverse`.
 * A name that does not decrypt gives "Failed to decrypt". Throws `Usage` when `fs` is not a crypt remote.
 */
export function cryptDecode(fs: Fs, names: readonly string[], reverse: boolean): string[] {
  const crypt = cryptFsOf(fs);
  if (!crypt) throw new FsError("Usage", 'the remote needs to be of type "crypt"');
  return names.map((name) => {
    let out: string;
    try {
      out = reverse ? crypt.names.encryptFile(name) : crypt.names.decryptFile(name);
    } catch {
      out = reverse ? "Failed to encrypt" : "Failed to decrypt";
    }
    return `${name} \t ${out}`;
  });
}
