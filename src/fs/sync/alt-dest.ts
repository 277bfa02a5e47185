/**
 * --compare-dest and --copy-dest: other directories, on the destination's side, that are compared
 * with a source file before it is sent (rclone's CompareOrCopyDest).
 */
import { isFsError } from "../errors.js";
import type { Fs, FsObject } from "../types.js";
import { type CompareOptions, equal } from "./decide.js";

/**
 * The first file named `remote` in `dirs` that is the same as `src` by the comparison options
 * (without ever touching its modtime), or undefined when none is. Errors other than a missing file
 * are thrown.
 */
export async function findEqualIn(
  dirs: readonly Fs[],
  src: FsObject,
  remote: string,
  compare: CompareOptions,
): Promise<FsObject | undefined> {
  for (const dir of dirs) {
    let candidate: FsObject;
    try {
      candidate = await dir.newObject(remote, { signal: compare.signal });
    } catch (err) {
      if (isFsError(err, "ObjectNotFound")) continue;
      throw err;
    }
    if (await equal(src, candidate, { ...compare, noUpdateModTime: true })) return candidate;
  }
  return undefined;
}
