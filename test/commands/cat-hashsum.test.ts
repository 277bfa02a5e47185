/** cat, hashsum, md5sum and sha1sum, run as the CLI and compared with real rclone. */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, sortedLines, strata } from "./run-cli.js";

let root: string;

beforeAll(() => {
  root = makeTree({ ...STANDARD, "d/one.txt": "one\n", "d/two.txt": "two\n" });
});
afterAll(() => removeTree(root));

async function same(args: string[], options: { sorted?: boolean; input?: string } = {}) {
  const ours = await strata(args, { input: options.input });
  if (!hasRclone) return ours;
  const theirs = await rclone(args, { input: options.input });
  if (options.sorted) expect(sortedLines(ours.stdout)).toEqual(sortedLines(theirs.stdout));
  else expect(ours.stdout).toBe(theirs.stdout);
  expect(ours.code).toBe(theirs.code);
  return ours;
}

describe("cat", () => {
  it.each([
    [[], "hello"],
    [["--head", "2"], "he"],
    [["--tail", "2"], "lo"],
    [["--offset", "1", "--count", "2"], "el"],
    [["--offset", "-3"], "llo"],
    [["--offset=-100"], "hello"],
    [["--tail", "100"], "hello"],
    [["--offset", "10"], ""],
    [["--count", "0"], ""],
    [["--discard"], ""],
  ])("cat %j of a file", async (flags, want) => {
    const r = await same(["cat", ...flags, join(root, "f1.txt")]);
    expect(r.stdout).toBe(want);
    expect(r.code).toBe(0);
  });
  it("prints every file of a directory", async () => {
    const r = await strata(["cat", join(root, "d")]);
    expect(r.stdout).toBe("one\ntwo\n");
    await same(["cat", "--head", "2", join(root, "d")], { sorted: true });
    const all = await strata(["cat", root]);
    expect(all.stdout.length).toBe(1548 + 8);
  });
  it("refuses --head with --tail (exit 1) and exits 3 for a missing path", async () => {
    const r = await same(["cat", "--head", "2", "--tail", "2", join(root, "f1.txt")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Can only use one of  --head, --tail or --offset with --count");
    expect((await same(["cat", join(root, "missing")])).code).toBe(3);
  });
});

describe("hashsum", () => {
  it("lists the supported hashes without arguments", async () => {
    const r = await strata(["hashsum"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Supported hashes are:\n  * md5\n  * sha1\n  * sha256\n  * crc32\n");
  });
  it("prints the list and exits 1 for an unknown hash", async () => {
    const r = await strata(["hashsum", "foo", root]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^Supported hashes are:\n[\s\S]*\n\n$/);
    expect(r.stderr).toContain('unknown hash type "foo"');
    if (hasRclone) expect((await rclone(["hashsum", "foo", root])).code).toBe(1);
  });
  it.each([["md5"], ["MD5"], ["sha1"], ["SHA-1"], ["sha256"], ["crc32"]])("matches rclone hashsum %s", async (type) => {
    const r = await same(["hashsum", type, root], { sorted: true });
    expect(sortedLines(r.stdout)).toHaveLength(6);
    await same(["hashsum", type, "--download", root], { sorted: true });
    await same(["hashsum", type, "--base64", root], { sorted: true });
  });
  it("names a single file by its leaf", async () => {
    const r = await same(["hashsum", "crc32", join(root, "f1.txt")]);
    expect(r.stdout).toBe("3610a686  f1.txt\n");
  });
  it("hashes stdin when the path is missing or -", async () => {
    for (const args of [["hashsum", "md5"], ["hashsum", "md5", "-"], ["md5sum"], ["md5sum", "-"], ["sha1sum", "-"]]) {
      const r = await same(args, { input: "abc\n" });
      expect(r.stdout).toMatch(/^[0-9a-f]+ {2}-\n$/);
    }
    expect((await same(["md5sum", "--base64"], { input: "abc\n" })).stdout).toBe("C-6JsHokjifIP8PVlRITwQ==  -\n");
  });
  it("writes --output-file instead of stdout", async () => {
    const file = join(root, "..", `strata-sums-${process.pid}.txt`);
    const r = await strata(["sha1sum", "--output-file", file, join(root, "d")]);
    expect(r.stdout).toBe("");
    const sha1 = (t: string) => createHash("sha1").update(t).digest("hex");
    expect(sortedLines(readFileSync(file, "utf8"))).toEqual(
      [`${sha1("one\n")}  one.txt`, `${sha1("two\n")}  two.txt`].sort(),
    );
    if (hasRclone) {
      const theirs = join(root, "..", `rclone-sums-${process.pid}.txt`);
      await rclone(["sha1sum", "--output-file", theirs, join(root, "d")]);
      expect(sortedLines(readFileSync(file, "utf8"))).toEqual(sortedLines(readFileSync(theirs, "utf8")));
      rmSync(theirs);
    }
    rmSync(file);
  });
  it("exits 3 for a missing directory", async () => {
    expect((await same(["md5sum", join(root, "nope")])).code).toBe(3);
    expect((await same(["hashsum", "md5", join(root, "nofile.txt")])).code).toBe(3);
  });
});

describe("md5sum and sha1sum", () => {
  it("equal hashsum md5 / sha1 and rclone's", async () => {
    const md5 = await same(["md5sum", root], { sorted: true });
    expect(sortedLines(md5.stdout)).toEqual(sortedLines((await strata(["hashsum", "md5", root])).stdout));
    expect(md5.stdout).toContain("5d41402abc4b2a76b9719d911017c592  f1.txt\n");
    const sha1 = await same(["sha1sum", root], { sorted: true });
    expect(sha1.stdout).toContain("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d  f1.txt\n");
    await same(["md5sum", "--download", root], { sorted: true });
  });
});
