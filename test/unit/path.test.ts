import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { baseName, cleanRemote, joinRemote, parentOf, printable, relativeTo } from "../../src/fs/path.js";
import { thrown } from "./thrown.js";

describe("cleanRemote", () => {
  it.each([
    ["", ""],
    ["a", "a"],
    ["a/b", "a/b"],
    ["a//b/", "a/b"],
    ["a/b/", "a/b"],
    ["./a", "a"],
    ["a/./b", "a/b"],
    ["a/.", "a"],
    [".", ""],
    ["./", ""],
    ["a/..", ""],
    ["a/../b", "b"],
    ["a/b/../../c", "c"],
    ["a/b/../c/./d//", "a/c/d"],
  ])("cleans %j to %j", (input, output) => {
    expect(cleanRemote(input)).toBe(output);
  });

  it("keeps names that only look like dot segments", () => {
    // Only whole "." and ".." segments are special.
    for (const name of ["...", ".a", "a.", "..a", "a..", "a/.../b", ".hidden/x"]) expect(cleanRemote(name)).toBe(name);
  });

  it("is idempotent", () => {
    for (const p of ["a//b/", "./a/./b/../c", "x/y/z"]) expect(cleanRemote(cleanRemote(p))).toBe(cleanRemote(p));
  });

  it.each([["../x"], [".."], ["a/../../x"], ["a/b/../../../c"], ["/abs"], ["/"], ["a\0b"], ["\0"]])(
    "throws PathEscape for %j",
    (input) => {
      const err = thrown(() => cleanRemote(input));
      expect(isFsError(err, "PathEscape")).toBe(true);
    },
  );

  it("names a NUL path in printable form", () => {
    // A raw NUL in an error message would cut it short in a terminal or log.
    const err = thrown(() => cleanRemote("a\0b")) as Error;
    expect(err.message).toContain("a\\x00b");
    expect(err.message).not.toContain("\0");
  });
});

describe("parentOf", () => {
  it.each([
    ["a/b/c", "a/b"],
    ["a/b", "a"],
    ["a", ""],
    ["", ""],
  ])("parent of %j is %j", (p, parent) => {
    expect(parentOf(p)).toBe(parent);
  });
});

describe("baseName", () => {
  it.each([
    ["a/b/c", "c"],
    ["a", "a"],
    ["", ""],
    ["dir/file.txt", "file.txt"],
  ])("base of %j is %j", (p, base) => {
    expect(baseName(p)).toBe(base);
  });

  it("rebuilds the path with parentOf", () => {
    for (const p of ["a/b/c", "x/y"]) expect(joinRemote(parentOf(p), baseName(p))).toBe(p);
  });
});

describe("relativeTo", () => {
  it("strips the directory prefix", () => {
    expect(relativeTo("a", "a/b")).toBe("b");
    expect(relativeTo("a/b", "a/b/c/d")).toBe("c/d");
  });

  it("gives the empty path for the directory itself", () => {
    expect(relativeTo("a/b", "a/b")).toBe("");
  });

  it("treats the root as containing everything", () => {
    expect(relativeTo("", "a/b")).toBe("a/b");
    expect(relativeTo("", "")).toBe("");
  });

  it("rejects siblings that merely share a prefix", () => {
    expect(relativeTo("a", "ab")).toBeUndefined();
    expect(relativeTo("a/b", "a/bc/d")).toBeUndefined();
    expect(relativeTo("a/b", "a")).toBeUndefined();
    expect(relativeTo("x", "a/x")).toBeUndefined();
  });
});

describe("joinRemote", () => {
  it("skips empty parts", () => {
    expect(joinRemote("", "a", "", "b")).toBe("a/b");
    expect(joinRemote("", "")).toBe("");
  });
});

describe("printable", () => {
  it("escapes control characters only", () => {
    expect(printable("a\nb\x7f\tc")).toBe("a\\x0ab\\x7f\\x09c");
    expect(printable("ünï ok")).toBe("ünï ok");
  });
});
