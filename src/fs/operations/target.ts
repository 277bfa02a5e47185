/**
 * Command arguments name a directory or a single file (`remote:dir`, `remote:dir/file.txt`);
 * rclone decides by looking. This opens the remote and, if the path is a file, its parent plus the file.
 */
import { isFsError } from "../errors.js";
import { formatRemote, parseRemote } from "../fspath.js";
import { type FsContext, newFs } from "../new-fs.js";
import type { Fs, FsObject } from "../types.js";

export interface Target {
  /** The directory remote (the parent, when the argument is a file). */
  fs: Fs;
  /** The file, when the argument names one. */
  file?: FsObject;
}

/** Splits a remote string into the string of its parent directory and the leaf name. */
export function splitRemote(spec: string): { parent: string; leaf: string } {
  const parsed = parseRemote(spec);
  const path = parsed.path.replace(/\/+$/, "");
  const cut = path.lastIndexOf("/");
  const leaf = path.slice(cut + 1);
  const parentPath = cut < 0 ? "" : cut === 0 ? "/" : path.slice(0, cut);
  const parent =
    parsed.name === undefined && parsed.type === undefined
      ? parentPath === ""
        ? "."
        : parentPath
      : formatRemote({ ...parsed, path: parentPath });
  return { parent, leaf };
}

/** Opens `spec` as a directory, or as parent + file when it names an existing file. */
export async function openTarget(spec: string, ctx?: FsContext): Promise<Target> {
  const { parent, leaf } = splitRemote(spec);
  if (leaf !== "" && leaf !== "." && leaf !== "..") {
    try {
      const fs = await newFs(parent, ctx);
      return { fs, file: await fs.newObject(leaf) };
    } catch (err) {
      if (!isFsError(err, "ObjectNotFound", "IsDir", "DirNotFound", "PathEscape")) throw err;
    }
  }
  return { fs: await newFs(spec, ctx) };
}
