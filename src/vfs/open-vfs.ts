/** Opening a VFS over an `Fs`. */
import type { Fs } from "../fs/types.js";
import { VfsCache } from "./cache.js";
import { DirCache } from "./dir-cache.js";
import { resolveVfsOptions } from "./options.js";
import type { Vfs, VfsOptions } from "./types.js";
import { VfsImpl } from "./vfs.js";

/**
 * A VFS over `fs` with `options` over `defaultVfsOptions`. Opens (creating) the cache state in
 * `<cacheDir>/vfs/<remote>/` and queues for upload every file its journal lists as closed but not
 * uploaded (a previous process that stopped before uploading them). Throws `Usage` for a bad option.
 */
export async function openVfs(fs: Fs, options: Partial<VfsOptions> = {}): Promise<Vfs> {
  const resolved = resolveVfsOptions(options);
  const dirs = new DirCache(fs, resolved.dirCacheTime);
  const cache = await VfsCache.open(fs, resolved, dirs);
  return new VfsImpl(fs, resolved, dirs, cache);
}
