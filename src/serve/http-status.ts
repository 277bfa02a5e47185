/** The HTTP status a failed `Fs` call answers with. */
import { isFsError } from "../fs/errors.js";

/**
 * 404 for a missing file or directory, 400 for a path that would leave the root, 403 for refused
 * permissions, 409 for a conflict with what exists, 501 for an operation the remote lacks, 503 for
 * a transient failure, and 500 for everything else.
 */
export function statusOf(err: unknown): number {
  if (isFsError(err, "ObjectNotFound", "DirNotFound")) return 404;
  if (isFsError(err, "PathEscape", "Usage")) return 400;
  if (isFsError(err, "PermissionDenied", "AuthFailed")) return 403;
  if (isFsError(err, "IsDir", "IsFile", "DirNotEmpty", "AlreadyExists")) return 409;
  if (isFsError(err, "NotImplemented", "CantCopy", "CantMove", "CantDirMove")) return 501;
  if (isFsError(err, "Transient")) return 503;
  return 500;
}
