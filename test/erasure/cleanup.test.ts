/** `cleanup` over erasure(6 × local, k = 4, m = 2): leftover temporary shards and superseded versions. */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { formatLogLine, setLogLevel, setLogSink } from "../../src/fs/log.js";
import { cleanUp } from "../../src/fs/operations/cleanup.js";
import { parseShardName, shardName, tempShardName } from "../../src/overlays/erasure/format.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { strata } from "../commands/run-cli.js";
import { type ErasureTree, makeErasureTree, open, readsBack, shardFile } from "./tree.js";

let tree: ErasureTree;
afterEach(() => {
  tree?.remove();
  setLogLevel("NOTICE");
});

/** Copies shard `index` of `remote` under the same name with another vid (and `.tmp` if `temp`). */
function copyShardAs(index: number, remote: string, vid: number, temp: boolean): string {
  const from = shardFile(tree, index, remote);
  const s = parseShardName(basename(from));
  if (!s) throw new Error(`not a shard: ${from}`);
  const to = join(dirname(from), (temp ? tempShardName : shardName)({ ...s, vid }));
  copyFileSync(from, to);
  return to;
}

/** Every shard file name under the upstreams, as `i:path`. */
function allShards(): string[] {
  return tree.dirs.flatMap((d, i) =>
    (readdirSync(d, { recursive: true }) as string[]).filter((f) => /\.s\d+(\.tmp)?$/.test(f)).map((f) => `${i}:${f}`),
  );
}

const vidOf = (index: number, remote: string) =>
  parseShardName(basename(shardFile(tree, index, remote)))?.vid as number;

describe("erasure cleanup", () => {
  it("removes leftover temporary shards and superseded versions, keeps newer incomplete ones", async () => {
    tree = await makeErasureTree();
    const clean = allShards();
    // Versions relative to each file's own, however far apart the uploads were.
    const [odd, seg, one, empty] = ["a/b/odd", "a/seg", "one", "empty"].map((f) => vidOf(0, f)) as number[];
    const leftovers = [
      ...[0, 1, 2].map((i) => copyShardAs(i, "a/b/odd", odd + 5, true)), // a killed upload
      ...[0, 1, 2, 3, 4, 5].map((i) => copyShardAs(i, "a/seg", seg - 10, false)), // a complete older version
      ...[1, 4].map((i) => copyShardAs(i, "one", one - 20, false)), // an incomplete older version
    ];
    const newer = [2, 3].map((i) => copyShardAs(i, "empty", empty + 30, false)); // newer, fewer than k shards
    const lines: string[] = [];
    setLogSink((entry) => lines.push(formatLogLine(entry)));
    setLogLevel("INFO");

    await cleanUp(await open(tree.spec), { dryRun: true });
    expect(leftovers.every(existsSync)).toBe(true);
    expect(lines.filter((l) => l.includes("as --dry-run is set") && l.includes("Skipped remove"))).toHaveLength(11);

    lines.length = 0;
    await cleanUp(await open(tree.spec));
    expect(leftovers.some(existsSync)).toBe(false);
    expect(newer.every(existsSync)).toBe(true);
    expect(allShards().sort()).toEqual([...clean, ...newer.map(relativeShard)].sort());
    expect(lines.filter((l) => l.includes("Removed temporary shard"))).toHaveLength(3);
    expect(lines.filter((l) => l.includes("Removed shard of a superseded version"))).toHaveLength(8);
    expect(lines.some((l) => l.includes("NOTICE") && l.includes("Removed 11 leftover shards"))).toBe(true);
    expect(await readsBack(tree)).toBe(true);
  });

  it("leaves the temporary shards of a version this process is writing", async () => {
    tree = await makeErasureTree();
    const vid = vidOf(0, "a/seg") + 1;
    const temps = [0, 3].map((i) => copyShardAs(i, "a/seg", vid, true));
    const fs = await open(tree.spec);
    const release = erasureOf(fs).beginWrite("a/seg", vid);
    await cleanUp(fs);
    expect(temps.every(existsSync)).toBe(true);
    release();
    await cleanUp(fs);
    expect(temps.some(existsSync)).toBe(false);
  });

  it("removes a second copy of a shard on another upstream, and keeps it while the copy in use is bad", async () => {
    tree = await makeErasureTree();
    const original = shardFile(tree, 0, "a/seg");
    const copy = join(tree.dirs[3] as string, "a", basename(original));
    copyFileSync(original, copy);
    // The copy is a second shard 0, not a shard of upstream 3: the file still has all six.
    expect(await readsBack(tree)).toBe(true);

    const bytes = readFileSync(original);
    const damaged = Buffer.from(bytes);
    damaged[100] ^= 0x01;
    writeFileSync(original, damaged);
    await cleanUp(await open(tree.spec));
    expect(existsSync(copy)).toBe(true);

    writeFileSync(original, bytes);
    await cleanUp(await open(tree.spec));
    expect(existsSync(copy)).toBe(false);
    expect(existsSync(original)).toBe(true);
    expect(await readsBack(tree)).toBe(true);
  });

  it("strata cleanup lists with --dry-run and removes without", async () => {
    tree = await makeErasureTree({ f: 1500 });
    const fs = await open(tree.spec);
    await fs.put(fromBytes(Buffer.from("new")), { remote: "f", size: 3, modTime: new Date() });
    const leftover = copyShardAs(3, "f", vidOf(3, "f") - 1, true);
    writeFileSync(leftover, readFileSync(leftover).subarray(0, 10));

    const dry = await strata(["cleanup", "--dry-run", tree.spec]);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toMatch(
      /NOTICE: f\.3\.[0-9a-f]{12}\.k4m2\.s3\.tmp: Skipped remove temporary shard \(upstream 3, 10\)/,
    );
    expect(existsSync(leftover)).toBe(true);

    const real = await strata(["cleanup", tree.spec]);
    expect(real.code).toBe(0);
    expect(real.stderr).toContain("Removed 1 leftover shards (10)");
    expect(existsSync(leftover)).toBe(false);
  });
});

/** `i:path` of a shard file given its absolute path. */
function relativeShard(path: string): string {
  const i = tree.dirs.findIndex((d) => path.startsWith(`${d}/`));
  return `${i}:${path.slice((tree.dirs[i] as string).length + 1)}`;
}
