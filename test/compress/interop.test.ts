/**
 * Interop with the real rclone 1.60: a seeded tree written by strata through `:compress` over local is
 * read by rclone (lsl, md5sum, check --download, a ranged cat inside block 3) with no difference and
 * has the names and metadata rclone writes; the same tree written by rclone reads exactly through
 * strata (content, sizes, modtimes, MD5).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, snapshot, sortedLines, strata } from "../commands/run-cli.js";
import { compressibleText, seededBytes } from "./tree.js";

const MiB = 1 << 20;
const big = compressibleText("interop-big", 4 * MiB + 54_321);
const TREE = {
  "notes.txt": compressibleText("notes", 20_000),
  "random.bin": seededBytes("interop-random", 70_000),
  empty: "",
  "big.log": big,
  "a.json": '{"x": 1, "list": [1, 2, 3]}\n',
  "Ελληνικά/日本語のファイル名.txt": compressibleText("unicode", 5000),
  // Not near the 1.1 ratio where zlib's and Go's DEFLATE sizes can decide differently (docs/compress.md).
  "dir/sub/🦄 party.md": compressibleText("markdown", 3000),
};

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) removeTree(r);
});
function tree(spec: Parameters<typeof makeTree>[0] = {}): string {
  const root = makeTree(spec);
  roots.push(root);
  return root;
}
const remote = (dir: string) => `:compress,remote=${dir}:`;

/** Wrapped files under `root` with their bytes, by path. */
function stored(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const visit = (dir: string, rel: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) visit(join(dir, d.name), path);
      else out.set(path, readFileSync(join(dir, d.name)));
    }
  };
  visit(root, "");
  return out;
}

/** Metadata with the compressed block lengths blanked (they depend on the DEFLATE implementation). */
const comparableMeta = (b: Buffer) => b.toString().replace(/"BlockData":\[10(,\d+)*\]/, '"BlockData":[10,…]');

describe.runIf(hasRclone)("compress interop with rclone 1.60", () => {
  const src = tree(TREE);

  it("rclone reads a tree strata wrote: lsl, md5sum, check --download, ranged cat in block 3", async () => {
    const dst = tree();
    const put = await strata(["copy", src, remote(dst)]);
    expect(put.code, put.stderr).toBe(0);
    const [ours, theirs] = await Promise.all([strata(["lsl", src]), rclone(["lsl", remote(dst)])]);
    expect(sortedLines(theirs.stdout)).toEqual(sortedLines(ours.stdout));
    const [md5a, md5b] = await Promise.all([rclone(["md5sum", src]), rclone(["md5sum", remote(dst)])]);
    expect(sortedLines(md5b.stdout)).toEqual(sortedLines(md5a.stdout));
    const check = await rclone(["check", "--download", src, remote(dst)]);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain("0 differences found");
    const at = 3 * MiB + 4321;
    const cat = await rclone(["cat", "--offset", String(at), "--count", "64", `${remote(dst)}big.log`]);
    expect(cat.stdout).toBe(big.subarray(at, at + 64).toString());
    // MD5s come from the metadata: check and sync --checksum compare without rewriting anything.
    const stored = snapshot(dst);
    const own = await strata(["check", src, remote(dst)]);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toContain("0 differences found");
    expect((await strata(["sync", "--checksum", src, remote(dst)])).code).toBe(0);
    expect(snapshot(dst)).toEqual(stored);
  });

  it("writes the objects rclone writes: same names, same .bin bytes, same metadata but for gzip block lengths", async () => {
    const ours = tree();
    const theirs = tree();
    expect((await strata(["copy", src, remote(ours)])).code).toBe(0);
    expect((await rclone(["copy", src, remote(theirs)])).code).toBe(0);
    const a = stored(ours);
    const b = stored(theirs);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [path, bytes] of b) {
      const mine = a.get(path) as Buffer;
      if (path.endsWith(".json")) expect(comparableMeta(mine), path).toBe(comparableMeta(bytes));
      else if (path.endsWith(".bin")) expect(mine.equals(bytes), path).toBe(true);
      else {
        // Same gzip header and trailer; the DEFLATE bytes between come from zlib, not Go.
        expect(mine.subarray(0, 10).equals(bytes.subarray(0, 10)), path).toBe(true);
        expect(mine.subarray(-8).equals(bytes.subarray(-8)), path).toBe(true);
      }
    }
  });

  it("strata reads a tree rclone wrote: content, sizes, modtimes, MD5", async () => {
    const dst = tree();
    expect((await rclone(["copy", src, remote(dst)])).code).toBe(0);
    const [ours, theirs] = await Promise.all([strata(["lsl", remote(dst)]), rclone(["lsl", remote(dst)])]);
    expect(sortedLines(ours.stdout)).toEqual(sortedLines(theirs.stdout));
    const [md5a, md5b] = await Promise.all([strata(["md5sum", remote(dst)]), rclone(["md5sum", src])]);
    expect(sortedLines(md5a.stdout)).toEqual(sortedLines(md5b.stdout));
    const check = await strata(["check", "--download", src, remote(dst)]);
    expect(check.code, check.stderr).toBe(0);
    const back = tree();
    expect((await strata(["copy", remote(dst), back])).code).toBe(0);
    const [l1, l2] = await Promise.all([strata(["lsl", back]), strata(["lsl", src])]);
    expect(sortedLines(l1.stdout)).toEqual(sortedLines(l2.stdout));
    const at = 3 * MiB + 999;
    const cat = await strata(["cat", "--offset", String(at), "--count", "64", `${remote(dst)}big.log`]);
    expect(cat.stdout).toBe(big.subarray(at, at + 64).toString());
  });
});
