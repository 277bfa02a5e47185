/** File and directory attributes as `stat` reports them. */
import { constants } from "node:fs";
import type { VfsAttr } from "./types.js";

/** Attributes of a file or directory: rclone's default permissions (0666 files, 0777 dirs) less `umask`. */
export function attrOf(kind: "file" | "dir", size: number, mtime: Date, umask: number): VfsAttr {
  const mode = kind === "dir" ? constants.S_IFDIR | (0o777 & ~umask) : constants.S_IFREG | (0o666 & ~umask);
  return { kind, size: kind === "dir" ? 0 : Math.max(0, size), mtime, mode };
}
