/**
 * Finding what a served path names on an `Fs`, which has no stat of its own: a file through
 * `newObject`, a directory through its parent's listing.
 */
import { FsError, isFsError } from "../fs/errors.js";
import { parentOf } from "../fs/path.js";
import type { CallOptions, Entry, Fs } from "../fs/types.js";

/**
 * The file or directory at `remote` (`""` is the root, always a directory).
 * Throws `ObjectNotFound` when neither exists.
 */
export async function entryAt(fs: Fs, remote: string, options?: CallOptions): Promise<Entry> {
  if (remote === "") return { kind: "dir", remote, modTime: new Date(0) };
  try {
    return await fs.newObject(remote, options);
  } catch (err) {
    if (!isFsError(err, "ObjectNotFound", "IsDir")) throw err;
  }
  const entries = await fs.list(parentOf(remote), options).catch((err) => {
    if (isFsError(err, "DirNotFound")) return [];
    throw err;
  });
  const found = entries.find((e) => e.remote === remote);
  if (found) return found;
  throw new FsError("ObjectNotFound", "object not found", { path: remote });
}
