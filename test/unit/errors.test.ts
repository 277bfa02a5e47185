import { describe, expect, it } from "vitest";
import {
  dirNotFound,
  type ErrorCode,
  ExitCode,
  exitCodeFor,
  FsError,
  isFsError,
  isRetryable,
  notImplemented,
  objectNotFound,
} from "../../src/fs/errors.js";

describe("FsError", () => {
  it("prefixes the path to the message and keeps it", () => {
    const err = new FsError("IsDir", "is a directory", { path: "a/b" });
    expect(err.message).toBe("a/b: is a directory");
    expect(err.path).toBe("a/b");
    expect(err.name).toBe("FsError");
    expect(err).toBeInstanceOf(Error);
  });

  it("keeps the cause", () => {
    const cause = new Error("ECONNRESET");
    expect(new FsError("Transient", "reset", { cause }).cause).toBe(cause);
  });

  it("defaults Transient to temporary and everything else to permanent", () => {
    expect(new FsError("Transient", "x").retry).toBe("temporary");
    expect(new FsError("ObjectNotFound", "x").retry).toBe("permanent");
    expect(new FsError("AuthFailed", "x", { retry: "fatal" }).retry).toBe("fatal");
  });

  it("has helpers for the common sentinels", () => {
    expect(objectNotFound("f").code).toBe("ObjectNotFound");
    expect(objectNotFound("f").path).toBe("f");
    expect(dirNotFound("d").code).toBe("DirNotFound");
    expect(notImplemented("purge").code).toBe("NotImplemented");
    expect(notImplemented("purge", "p").message).toBe("p: purge is not supported by this remote");
  });
});

describe("isFsError", () => {
  it("matches by code", () => {
    const err = objectNotFound("x");
    expect(isFsError(err)).toBe(true);
    expect(isFsError(err, "ObjectNotFound")).toBe(true);
    expect(isFsError(err, "DirNotFound", "ObjectNotFound")).toBe(true);
    expect(isFsError(err, "DirNotFound")).toBe(false);
  });

  it("accepts an FsError from another copy of the module", () => {
    // Two installed copies give two classes; instanceof would fail, the name and code still match.
    const foreign = Object.assign(new Error("gone"), { name: "FsError", code: "ObjectNotFound" });
    expect(isFsError(foreign, "ObjectNotFound")).toBe(true);
  });

  it("rejects everything else", () => {
    expect(isFsError(new Error("x"))).toBe(false);
    expect(isFsError(null)).toBe(false);
    expect(isFsError(undefined)).toBe(false);
    expect(isFsError("FsError")).toBe(false);
    expect(isFsError({ code: "ObjectNotFound" })).toBe(false);
  });
});

describe("isRetryable", () => {
  it("is true for temporary errors only", () => {
    expect(isRetryable(new FsError("Transient", "x"))).toBe(true);
    expect(isRetryable(new FsError("Other", "x", { retry: "temporary" }))).toBe(true);
    expect(isRetryable(new FsError("Other", "x", { retry: "noRetry" }))).toBe(false);
    expect(isRetryable(new FsError("AuthFailed", "x", { retry: "fatal" }))).toBe(false);
    expect(isRetryable(new Error("x"))).toBe(false);
  });
});

describe("exitCodeFor", () => {
  it.each<[ErrorCode, number]>([
    ["DirNotFound", 3],
    ["ObjectNotFound", 4],
    ["Usage", 1],
    ["ConfigInvalid", 1],
    ["Transient", 5],
    ["MaxTransferReached", 8],
    ["NoTransfer", 9],
    ["IsDir", 2],
    ["IsFile", 2],
    ["DirNotEmpty", 2],
    ["AlreadyExists", 2],
    ["CantCopy", 2],
    ["NotImplemented", 2],
    ["PermissionDenied", 2],
    ["Corrupt", 2],
    ["AuthFailed", 2],
    ["PathEscape", 2],
    ["Other", 2],
  ])("maps %s to %d", (code, exit) => {
    expect(exitCodeFor(new FsError(code, "x"))).toBe(exit);
  });

  it("maps the retry kinds", () => {
    expect(exitCodeFor(new FsError("Other", "x", { retry: "temporary" }))).toBe(5);
    expect(exitCodeFor(new FsError("AuthFailed", "x", { retry: "fatal" }))).toBe(7);
    expect(exitCodeFor(new FsError("Corrupt", "x", { retry: "noRetry" }))).toBe(6);
  });

  it("lets the retry kind decide for Usage and ConfigInvalid, as rclone's default branch comes last", () => {
    expect(exitCodeFor(new FsError("ConfigInvalid", "x", { retry: "fatal" }))).toBe(7);
    expect(exitCodeFor(new FsError("Usage", "x", { retry: "noRetry" }))).toBe(6);
  });

  it("keeps the sentinel codes ahead of the retry kind, as rclone does", () => {
    // rclone wraps its max-transfer error as fatal to stop the run, and still exits 8.
    expect(exitCodeFor(new FsError("MaxTransferReached", "x", { retry: "fatal" }))).toBe(8);
    expect(exitCodeFor(new FsError("NoTransfer", "x", { retry: "noRetry" }))).toBe(9);
    expect(exitCodeFor(new FsError("DirNotFound", "x", { retry: "temporary" }))).toBe(3);
    expect(exitCodeFor(new FsError("ObjectNotFound", "x", { retry: "noRetry" }))).toBe(4);
  });

  it("maps anything that is not an FsError to 2", () => {
    expect(exitCodeFor(new Error("boom"))).toBe(2);
    expect(exitCodeFor("boom")).toBe(2);
    expect(exitCodeFor(undefined)).toBe(2);
    expect(exitCodeFor({ code: "DirNotFound" })).toBe(2);
  });

  it("uses the ExitCode table", () => {
    expect(ExitCode).toEqual({
      ok: 0,
      usage: 1,
      other: 2,
      dirNotFound: 3,
      fileNotFound: 4,
      temporary: 5,
      lessSerious: 6,
      fatal: 7,
      maxTransfer: 8,
      noTransfer: 9,
    });
  });
});
