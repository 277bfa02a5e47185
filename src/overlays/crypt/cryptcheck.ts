/**
 * cryptcheck: checks a plaintext tree against a crypt remote without decrypting it. Each source file
 * is encrypted again with the nonce of its stored counterpart and hashed with the wrapped remote's
 * hash; that must equal the hash the wrapped remote reports (rclone's cryptcheck).
 */
import { FsError } from "../../fs/errors.js";
import { HASH_TYPES } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import { type CheckOptions, type CheckResult, check } from "../../fs/sync/check.js";
import type { Fs, FsObject } from "../../fs/types.js";
import { cryptFsOf, cryptObjectOf } from "./fs.js";

/**
 * Compares `src` with the crypt remote `dst`, reporting and counting as `check`. Throws `Usage` when
 * `dst` is not a crypt remote, `Other` when the remote under it has no hash.
 */
export async function cryptCheck(src: Fs, dst: Fs, o: Omit<CheckOptions, "compare">): Promise<CheckResult> {
  const crypt = cryptFsOf(dst);
  if (!crypt) throw new FsError("Usage", `${dst.name}:${dst.root} is not a crypt remote`);
  const under = crypt.inner;
  // rclone takes the first hash the wrapped remote has, in its own order (md5 first).
  const type = HASH_TYPES.find((t) => under.hashes.has(t));
  if (!type) throw new FsError("Other", `${under.name}:${under.root} does not support any hashes`);
  log.info(undefined, `Using ${type} for hash comparisons`);
  const compare = async (s: FsObject, d: FsObject): Promise<boolean | undefined> => {
    const stored = cryptObjectOf(d);
    if (!stored) throw new FsError("Other", "not a crypt object", { path: d.remote });
    let actual: string | undefined;
    try {
      actual = await stored.wrapped.hash(type, o);
    } catch (err) {
      throw new FsError("Other", `error reading hash from underlying ${stored.wrapped.remote}: ${err}`, {
        path: s.remote,
        cause: err,
      });
    }
    if (!actual) return undefined;
    const expected = await crypt.wrappedHashOf(stored, s, type, o);
    if (expected !== actual) {
      // rclone's wording, labels included.
      log.error(
        s.remote,
        `hashes differ (${dst.name}:${dst.root}) "${expected}" vs (${src.name}:${src.root}) "${actual}"`,
      );
      return false;
    }
    return true;
  };
  return check(src, dst, { ...o, compare });
}
