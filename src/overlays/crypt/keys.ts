/**
 * Key derivation as rclone's crypt: scrypt(password, salt, N=16384, r=8, p=1) to 80 bytes, split into
 * the data key (XSalsa20-Poly1305), the name key (AES-256 for EME) and the 16-byte EME tweak.
 */
import { scrypt } from "node:crypto";

/** rclone's built-in salt, used when `password2` is empty. */
const DEFAULT_SALT = Uint8Array.from([
  0xa8, 0x0d, 0xf4, 0x3a, 0x8f, 0xbd, 0x03, 0x08, 0xa7, 0xca, 0xb8, 0x3e, 0x58, 0x1f, 0x86, 0xb1,
]);

export interface CryptKeys {
  dataKey: Uint8Array;
  nameKey: Uint8Array;
  nameTweak: Uint8Array;
}

/** Derivations done by this process: scrypt costs ~50 ms and 16 MiB, and stacks reopen remotes often. */
const derived = new Map<string, Promise<CryptKeys>>();

/**
 * The keys for revealed `password` and `password2`. An empty password gives all-zero keys, as in
 * rclone; the crypt remote refuses one before it gets here.
 */
export function deriveKeys(password: string, password2: string): Promise<CryptKeys> {
  const id = JSON.stringify([password, password2]);
  let keys = derived.get(id);
  if (!keys) {
    keys = derive(password, password2);
    derived.set(id, keys);
    keys.catch(() => derived.delete(id));
  }
  return keys;
}

async function derive(password: string, password2: string): Promise<CryptKeys> {
  let key: Uint8Array = new Uint8Array(80);
  if (password !== "") {
    const salt = password2 === "" ? DEFAULT_SALT : Buffer.from(password2, "utf8");
    key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(Buffer.from(password, "utf8"), salt, 80, { N: 16384, r: 8, p: 1 }, (err, out) =>
        err ? reject(err) : resolve(out),
      ),
    );
  }
  return { dataKey: key.slice(0, 32), nameKey: key.slice(32, 64), nameTweak: key.slice(64, 80) };
}
