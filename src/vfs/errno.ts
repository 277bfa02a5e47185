/**
 * POSIX errno numbers for VFS errors, from one table: the FUSE layer (and anything else speaking
 * POSIX) answers a failed call with `-errnoOf(err)`.
 */
import { constants } from "node:os";
import { type ErrorCode, FsError, isFsError } from "../fs/errors.js";

const E = constants.errno;

/**
 * The errno each FsError code stands for. Codes not listed (Corrupt, Transient, Other, …) are EIO,
 * as in rclone's mount: the kernel has no better word for "the remote failed".
 */
const ERRNO_OF_CODE: Partial<Record<ErrorCode, number>> = {
  ObjectNotFound: E.ENOENT,
  DirNotFound: E.ENOENT,
  IsDir: E.EISDIR,
  IsFile: E.ENOTDIR,
  DirNotEmpty: E.ENOTEMPTY,
  AlreadyExists: E.EEXIST,
  PermissionDenied: E.EACCES,
  AuthFailed: E.EACCES,
  PathEscape: E.EPERM,
  NotImplemented: E.EOPNOTSUPP,
  CantCopy: E.EXDEV,
  CantMove: E.EXDEV,
  CantDirMove: E.EXDEV,
  Usage: E.EINVAL,
};

/** An FsError that names its errno itself, for the few POSIX answers no FsError code stands for. */
interface WithErrno {
  readonly errno: number;
}

/**
 * An FsError with `code` whose errno is `errno` rather than the code's own: EROFS for writes to a
 * read-only VFS, ESPIPE for a seek in a streamed write, EPERM for an open rclone refuses.
 */
export function vfsError(code: ErrorCode, errno: number, message: string, path?: string): FsError {
  return Object.assign(new FsError(code, message, { path }), { errno } satisfies WithErrno);
}

/** Writing to a read-only VFS (`readOnly`): EROFS. */
export const readOnlyError = (path: string) => vfsError("PermissionDenied", E.EROFS, "read-only file system", path);

/**
 * The positive POSIX errno for `err`: the table above for FsErrors, the errno a Node system call
 * failed with (a cache file on local disk), EINVAL for a RangeError (a negative offset), else EIO.
 */
export function errnoOf(err: unknown): number {
  if (isFsError(err)) {
    const own = (err as Partial<WithErrno>).errno;
    if (typeof own === "number") return own;
    return ERRNO_OF_CODE[err.code] ?? E.EIO;
  }
  const sys = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof sys === "string" && sys in E) return E[sys as keyof typeof E];
  if (err instanceof RangeError) return E.EINVAL;
  return E.EIO;
}
