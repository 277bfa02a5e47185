/** Maps Node-style fs errors (from `node:fs`) to `FsError` codes. */
import { FsError } from "../fs/errors.js";

/**
 * `what` says whether the path was meant as a file or a directory, which decides
 * between `ObjectNotFound` and `DirNotFound` for ENOENT.
 */
export function fromErrno(err: unknown, path: string, what: "file" | "dir"): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const cause = err;
  switch (code) {
    case "ENOENT":
      return what === "file"
        ? new FsError("ObjectNotFound", "object not found", { path, cause })
        : new FsError("DirNotFound", "directory not found", { path, cause });
    case "ENOTDIR":
      return what === "file"
        ? new FsError("ObjectNotFound", "object not found (a parent is a file)", { path, cause })
        : new FsError("IsFile", "is a file, not a directory", { path, cause });
    case "EISDIR":
      return new FsError("IsDir", "is a directory", { path, cause });
    case "ENOTEMPTY":
    case "EEXIST":
      return what === "dir"
        ? new FsError("DirNotEmpty", "directory not empty", { path, cause })
        : new FsError("AlreadyExists", "already exists", { path, cause });
    case "EACCES":
    case "EPERM":
      return new FsError("PermissionDenied", "permission denied", { path, cause });
    case "ENAMETOOLONG":
      return new FsError("Other", "file name too long", { path, cause });
    case "EAGAIN":
    case "EBUSY":
    case "EMFILE":
    case "ENFILE":
    case "EIO":
      return new FsError("Transient", (err as Error).message, { path, cause });
    default:
      return err;
  }
}
