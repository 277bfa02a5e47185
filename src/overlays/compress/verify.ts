/**
 * The check a whole read ends with: the content's MD5 against the one the metadata keeps, as rclone's
 * compress checks it. Pure: no Fs.
 */
import { FsError } from "../../fs/errors.js";
import { streamHasher } from "../../fs/hash-worker.js";
import type { Body } from "../../fs/types.js";

/**
 * `body` (the whole content, `size` bytes) passed through unchanged, hashed on the way (in a worker
 * when large); after its last chunk, throws `Corrupt` naming `path` when the MD5 differs from `md5`
 * (hex), so a copy reading it fails before it commits anything.
 */
export async function* checkedMd5(body: Body, size: number, md5: string, path: string): Body {
  const hasher = streamHasher("md5", size);
  try {
    for await (const part of body) {
      // Hashed before it is yielded: the consumer owns the chunk once it has it.
      await hasher.update(part);
      yield part;
    }
    const got = await hasher.digest();
    if (got !== md5.toLowerCase()) {
      throw new FsError("Corrupt", `content's MD5 ${got} differs from the metadata's ${md5}`, { path });
    }
  } finally {
    // A worker hasher goes back to its pool only once its digest is taken, even when the read stops early.
    await hasher.digest().catch(() => undefined);
  }
}
