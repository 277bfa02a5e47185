/**
 * The keys of a bucket in S3's order (UTF-8 bytes), for ListObjects v1 and v2. A bucket is a
 * top-level directory of the served `Fs` and a key a path under it. With the delimiter `/` only
 * the directory the prefix points into is listed; otherwise the tree under it is walked.
 */
import { isFsError } from "../../fs/errors.js";
import { compareNames, walk } from "../../fs/operations/walk.js";
import { joinRemote } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";

/** One line of a listing: an object, or a common prefix (ending in the delimiter). */
export type ListedKey = { key: string; object: FsObject } | { key: string; object?: undefined };

/** The part of `prefix` up to its last `/`: the directory every key starting with it lies in. */
function prefixDir(prefix: string): string {
  const i = prefix.lastIndexOf("/");
  return i < 0 ? "" : prefix.slice(0, i);
}

/**
 * Every key of `bucket` that starts with `prefix`, sorted, with keys holding `delimiter` after
 * the prefix rolled up into common prefixes. Throws `DirNotFound` when the bucket does not exist.
 */
export async function listKeys(
  fs: Fs,
  bucket: string,
  prefix: string,
  delimiter: string,
  options: CallOptions = {},
): Promise<ListedKey[]> {
  const dir = prefixDir(prefix);
  const keyOf = (remote: string) => remote.slice(bucket.length + 1);
  // The bucket must exist even when the prefix names a directory that does not.
  if (dir !== "") await fs.list(bucket, options);
  const out: ListedKey[] = [];
  if (delimiter === "/") {
    const entries = await fs.list(joinRemote(bucket, dir), options).catch((err) => {
      if (isFsError(err, "DirNotFound") && dir !== "") return [];
      throw err;
    });
    for (const e of entries) {
      const key = keyOf(e.remote) + (e.kind === "dir" ? "/" : "");
      if (key.startsWith(prefix)) out.push(e.kind === "file" ? { key, object: e } : { key });
    }
  } else {
    const prefixes = new Set<string>();
    try {
      for await (const { entries } of walk(fs, joinRemote(bucket, dir), options)) {
        for (const e of entries) {
          if (e.kind !== "file") continue;
          const key = keyOf(e.remote);
          if (!key.startsWith(prefix)) continue;
          const cut = delimiter === "" ? -1 : key.indexOf(delimiter, prefix.length);
          if (cut < 0) out.push({ key, object: e });
          else prefixes.add(key.slice(0, cut + delimiter.length));
        }
      }
    } catch (err) {
      if (!(isFsError(err, "DirNotFound") && dir !== "")) throw err;
    }
    for (const key of prefixes) out.push({ key });
  }
  return out.sort((a, b) => compareNames(a.key, b.key));
}
