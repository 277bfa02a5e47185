/** `erasure rebuild` as a library call over erasure(6 × local, k = 4, m = 2). */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import { type ErasureTree, erasureSpec, filesUnder, makeErasureTree, open, readsBack, shardFile } from "./tree.js";

let tree: ErasureTree;
afterEach(() => tree?.remove());

const rebuild = async (spec: string, dryRun = false) => rebuildErasure(erasureOf(await open(spec)), { dryRun });
const verify = async (spec: string) => verifyErasure(erasureOf(await open(spec)));

describe("erasure rebuild", () => {
  it("restores a whole lost upstream byte for byte; then any two others may go", async () => {
    tree = await makeErasureTree();
    const lost = tree.dirs[2] as string;
    const before = filesUnder(lost);
    const modTimes = [...before.keys()].map((f) => statSync(join(lost, f)).mtimeMs);
    rmSync(lost, { recursive: true });

    const report = await rebuild(tree.spec);
    expect(report.files).toBe(5);
    expect(report.rebuilt.map((r) => [r.remote, r.shards])).toEqual([
      ["empty", [2]],
      ["one", [2]],
      ["a/seg", [2]],
      ["a/b/big", [2]],
      ["a/b/odd", [2]],
    ]);
    const after = filesUnder(lost);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of before) expect(after.get(name)?.equals(bytes), name).toBe(true);
    expect([...after.keys()].map((f) => statSync(join(lost, f)).mtimeMs)).toEqual(modTimes);
    expect(await verify(tree.spec)).toMatchObject({ degraded: [], unreadable: [] });

    for (const gone of [0, 5]) rmSync(tree.dirs[gone] as string, { recursive: true });
    expect(await readsBack(tree)).toBe(true);
  });

  it("rewrites bad shards (a flipped byte, a truncation) in place", async () => {
    tree = await makeErasureTree();
    const flipped = shardFile(tree, 4, "a/b/big");
    const original = readFileSync(flipped);
    const damaged = Buffer.from(original);
    damaged[2000] ^= 0x01;
    writeFileSync(flipped, damaged);
    const truncated = shardFile(tree, 0, "a/b/odd");
    const originalOdd = readFileSync(truncated);
    writeFileSync(truncated, originalOdd.subarray(0, 500));

    const report = await rebuild(tree.spec);
    expect(report.rebuilt.map((r) => [r.remote, r.shards])).toEqual([
      ["a/b/big", [4]],
      ["a/b/odd", [0]],
    ]);
    expect(readFileSync(flipped).equals(original)).toBe(true);
    expect(readFileSync(truncated).equals(originalOdd)).toBe(true);
    expect(await verify(tree.spec)).toMatchObject({ degraded: [], unreadable: [] });
  });

  it("fills an upstream replaced by a new empty remote", async () => {
    tree = await makeErasureTree();
    const replaced = [...tree.dirs];
    replaced[3] = join(mkdtempSync(join(tmpdir(), "strata-ec-new-")), "fresh");
    const spec = erasureSpec(replaced);
    try {
      expect((await verify(spec)).degraded).toHaveLength(5);
      await rebuild(spec);
      expect(filesUnder(replaced[3] as string)).toEqual(filesUnder(tree.dirs[3] as string));
      for (const gone of [0, 1]) rmSync(replaced[gone] as string, { recursive: true });
      expect(await readsBack(tree, spec)).toBe(true);
    } finally {
      rmSync(join(replaced[3] as string, ".."), { recursive: true, force: true });
    }
  });

  it("only reports in a dry run", async () => {
    tree = await makeErasureTree();
    rmSync(shardFile(tree, 1, "a/seg"));
    const report = await rebuild(tree.spec, true);
    expect(report.rebuilt).toEqual([{ remote: "a/seg", shards: [1] }]);
    expect((await verify(tree.spec)).degraded).toEqual(["a/seg"]);
  });

  it("fails with Corrupt naming a file with a segment short of k good pieces, after rebuilding the others", async () => {
    tree = await makeErasureTree();
    for (const i of [0, 1]) rmSync(shardFile(tree, i, "a/b/odd"));
    const bad = shardFile(tree, 2, "a/b/odd");
    const bytes = readFileSync(bad);
    bytes[70] ^= 0x80;
    writeFileSync(bad, bytes);
    rmSync(shardFile(tree, 5, "one"));

    const err = await rebuild(tree.spec).catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt")).toBe(true);
    // Shard 2's piece of segment 0 is bad and shards 0 and 1 are gone: segment 0 has 3 good pieces.
    expect((err as Error).message).toMatch(/^a\/b\/odd: only 3 good pieces of segment 0, 4 needed: cannot rebuild/);
    const after = await verify(tree.spec);
    expect(after.degraded).toEqual(["a/b/odd"]);
  });
});
