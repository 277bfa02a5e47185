/** The pure parts the http and webdav servers share: request paths, byte ranges, Basic auth, htpasswd. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { loadHtpasswd, parseBasicAuth, userPassword } from "../../src/serve/auth.js";
import { parseRange } from "../../src/serve/byte-range.js";
import { requestPath, urlPathOf } from "../../src/serve/request-path.js";
import { tempDirs } from "../temp-dirs.js";

const temp = tempDirs("strata-serve-parse-");

describe("requestPath", () => {
  it("decodes each segment and keeps the path inside the root", () => {
    expect(requestPath("/")).toEqual({ remote: "", trailingSlash: true });
    expect(requestPath("/a%20b/c.txt?x=1")).toEqual({ remote: "a b/c.txt", trailingSlash: false });
    expect(requestPath("/a/./b/../c/")).toEqual({ remote: "a/c", trailingSlash: true });
    expect(requestPath("http://host:8080/a/b").remote).toBe("a/b");
    expect(requestPath("//a//b").remote).toBe("a/b");
  });

  it("refuses every spelling of a climb above the root with PathEscape", () => {
    for (const target of [
      "/..",
      "/../etc",
      "/a/../../b",
      "/%2e%2e/x",
      "/%2E%2e/%2e%2E/x",
      "/a%2f..%2f..%2fb",
      "/%2fetc",
      "/a%00b",
      "/%zz",
    ]) {
      let err: unknown;
      try {
        requestPath(target);
      } catch (e) {
        err = e;
      }
      expect(isFsError(err, "PathEscape"), target).toBe(true);
    }
  });

  it("urlPathOf encodes what requestPath decodes", () => {
    for (const remote of ["", "a b", "x/ü/#?%.txt", "dir/sub"]) {
      expect(requestPath(urlPathOf(remote, false)).remote).toBe(remote);
    }
    expect(urlPathOf("d", true)).toBe("/d/");
  });
});

describe("parseRange", () => {
  it("answers start-end, open-ended and suffix ranges, clamped to the file", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ kind: "partial", offset: 0, length: 10 });
    expect(parseRange("bytes=90-", 100)).toEqual({ kind: "partial", offset: 90, length: 10 });
    expect(parseRange("bytes=90-200", 100)).toEqual({ kind: "partial", offset: 90, length: 10 });
    expect(parseRange("bytes=-10", 100)).toEqual({ kind: "partial", offset: 90, length: 10 });
    expect(parseRange("bytes=-500", 100)).toEqual({ kind: "partial", offset: 0, length: 100 });
  });

  it("sends the whole file for no header, a malformed one or several ranges; 416 past the end", () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=5-1", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=0-1,5-6", 100)).toEqual({ kind: "whole" });
    expect(parseRange("items=0-1", 100)).toEqual({ kind: "whole" });
    expect(parseRange("bytes=100-", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 100)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=0-", 0)).toEqual({ kind: "unsatisfiable" });
  });
});

describe("credentials", () => {
  it("parseBasicAuth reads user and password (colons allowed in the password)", () => {
    const header = `Basic ${Buffer.from("ann:a:b").toString("base64")}`;
    expect(parseBasicAuth(header)).toEqual({ user: "ann", pass: "a:b" });
    expect(parseBasicAuth("Bearer x")).toBeUndefined();
    expect(parseBasicAuth(undefined)).toBeUndefined();
  });

  it("userPassword takes only the exact pair", async () => {
    const c = userPassword("ann", "pw");
    expect(await c.check("ann", "pw")).toBe(true);
    expect(await c.check("ann", "pw ")).toBe(false);
    expect(await c.check("bob", "pw")).toBe(false);
  });

  it("loadHtpasswd checks bcrypt, apr1 and SHA entries written by Apache's htpasswd", async () => {
    const file = join(temp(), "htpasswd");
    writeFileSync(file, "# users\n\n");
    execFileSync("htpasswd", ["-bB", "-C", "4", file, "bc", "one"]);
    execFileSync("htpasswd", ["-bm", file, "md", "two"]);
    execFileSync("htpasswd", ["-bs", file, "sh", "three"]);
    const c = await loadHtpasswd(file);
    expect(await c.check("bc", "one")).toBe(true);
    expect(await c.check("md", "two")).toBe(true);
    expect(await c.check("sh", "three")).toBe(true);
    expect(await c.check("bc", "two")).toBe(false);
    expect(await c.check("md", "one")).toBe(false);
    expect(await c.check("nobody", "one")).toBe(false);
  });

  it("loadHtpasswd refuses entries it cannot check (crypt, plain) with ConfigInvalid", async () => {
    const file = join(temp(), "htpasswd");
    writeFileSync(file, "ok:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\nold:abJnggxhB/yWI\n");
    await expect(loadHtpasswd(file)).rejects.toSatisfy((e) => isFsError(e, "ConfigInvalid"));
    await expect(loadHtpasswd(join(temp(), "missing"))).rejects.toSatisfy((e) => isFsError(e, "ConfigInvalid"));
  });
});
