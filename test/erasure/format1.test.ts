/**
 * Trees written before names carried k and m (name format 1, `NAME.SIZE.VID.sI`): they read,
 * verify, rebuild (a rebuilt shard keeps the old name format) and clean up with k and m from the
 * configuration, and `rebuild --reencode` rewrites them in format 2.
 */
import { copyFileSync, existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { setLogLevel } from "../../src/fs/log.js";
import { cleanUp } from "../../src/fs/operations/cleanup.js";
import { parseShardName, shardName } from "../../src/overlays/erasure/format.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { reencodeErasure } from "../../src/overlays/erasure/reencode.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import { type ErasureTree, makeErasureTree, open, readsBack, shardFile } from "./tree.js";

setLogLevel("ERROR");
let tree: ErasureTree;
afterEach(() => tree?.remove());

/** Every shard file under the upstreams, by path. */
function shardFiles(): string[] {
  return tree.dirs.flatMap((d) =>
    (readdirSync(d, { recursive: true }) as string[]).filter((f) => /\.s\d+$/.test(f)).map((f) => join(d, f)),
  );
}

/** Renames every shard to its format-1 name, as a tree written before name format 2 has them. */
function toFormat1(): void {
  for (const path of shardFiles()) {
    const s = parseShardName(basename(path));
    if (!s) throw new Error(`not a shard: ${path}`);
    renameSync(path, join(dirname(path), shardName({ name: s.name, size: s.size, vid: s.vid, index: s.index })));
  }
}

const erasure = async () => erasureOf(await open(tree.spec));

describe("erasure name format 1", () => {
  it("reads, verifies, rebuilds and cleans up a format-1 tree; re-encode rewrites it in format 2", async () => {
    tree = await makeErasureTree();
    toFormat1();
    expect(shardFiles().every((f) => !/\.k\d+m\d+\./.test(f))).toBe(true);
    expect(await readsBack(tree)).toBe(true);
    expect(await verifyErasure(await erasure())).toMatchObject({ files: 5, degraded: [], unreadable: [] });

    rmSync(shardFile(tree, 2, "a/b/big"));
    const older = shardFile(tree, 0, "a/seg");
    const s = parseShardName(basename(older));
    const superseded = join(dirname(older), shardName({ ...(s as NonNullable<typeof s>), vid: (s?.vid ?? 0) - 10 }));
    copyFileSync(older, superseded);
    expect((await rebuildErasure(await erasure())).rebuilt).toEqual([{ remote: "a/b/big", shards: [2] }]);
    expect(basename(shardFile(tree, 2, "a/b/big"))).toMatch(/^big\.9001\.[0-9a-f]{12}\.s2$/);
    await cleanUp(await open(tree.spec));
    expect(existsSync(superseded)).toBe(false);
    expect(await verifyErasure(await erasure())).toMatchObject({ degraded: [], unreadable: [] });

    const report = await reencodeErasure(await erasure());
    expect(report.reencoded.map((r) => [r.remote, r.why])).toEqual(
      ["empty", "one", "a/seg", "a/b/big", "a/b/odd"].map((r) => [r, "name format 1"]),
    );
    expect(shardFiles()).toHaveLength(5 * 6);
    expect(shardFiles().every((f) => /\.k4m2\.s\d$/.test(f))).toBe(true);
    expect(await readsBack(tree)).toBe(true);
    expect(await verifyErasure(await erasure())).toMatchObject({ degraded: [], unreadable: [] });
    expect((await reencodeErasure(await erasure())).reencoded).toEqual([]);
  });
});
