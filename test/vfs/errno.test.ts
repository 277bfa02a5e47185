/** The errno table: every FsError code the VFS can meet has the POSIX number the kernel expects. */
import { constants } from "node:os";
import { describe, expect, it } from "vitest";
import { FsError } from "../../src/fs/errors.js";
import { errnoOf, readOnlyError, vfsError } from "../../src/vfs/index.js";

const E = constants.errno;

describe("errnoOf", () => {
  it.each([
    ["ObjectNotFound", E.ENOENT],
    ["DirNotFound", E.ENOENT],
    ["IsDir", E.EISDIR],
    ["IsFile", E.ENOTDIR],
    ["DirNotEmpty", E.ENOTEMPTY],
    ["AlreadyExists", E.EEXIST],
    ["PermissionDenied", E.EACCES],
    ["AuthFailed", E.EACCES],
    ["PathEscape", E.EPERM],
    ["NotImplemented", E.EOPNOTSUPP],
    ["CantCopy", E.EXDEV],
    ["CantMove", E.EXDEV],
    ["CantDirMove", E.EXDEV],
    ["Usage", E.EINVAL],
    ["Corrupt", E.EIO],
    ["Transient", E.EIO],
    ["Other", E.EIO],
  ] as const)("maps %s to %i", (code, errno) => {
    expect(errnoOf(new FsError(code, "x"))).toBe(errno);
  });

  it("takes an errno an error names itself, a Node system error's, EINVAL for a RangeError, else EIO", () => {
    expect(errnoOf(readOnlyError("f"))).toBe(E.EROFS);
    expect(errnoOf(vfsError("NotImplemented", E.ESPIPE, "seek", "f"))).toBe(E.ESPIPE);
    expect(errnoOf(Object.assign(new Error("full"), { code: "ENOSPC" }))).toBe(E.ENOSPC);
    expect(errnoOf(new RangeError("bad range"))).toBe(E.EINVAL);
    expect(errnoOf(new Error("?"))).toBe(E.EIO);
    expect(errnoOf("thrown string")).toBe(E.EIO);
  });
});
