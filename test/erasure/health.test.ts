/** `erasure status` and `verify` as library calls over erasure(6 × local, k = 4, m = 2). */
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import type { Fs } from "../../src/fs/types.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { erasureStatus, type FileStatus } from "../../src/overlays/erasure/status.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { type FileCheck, verifyErasure, verifyProblem } from "../../src/overlays/erasure/verify.js";
import { type ErasureTree, FILES, K, makeErasureTree, N, open, shardFile } from "./tree.js";

let tree: ErasureTree;
afterEach(() => tree?.remove());

async function status(t: ErasureTree, dir?: string) {
  const files = new Map<string, FileStatus>();
  const report = await erasureStatus(erasureOf(await open(t.spec)), { dir, onFile: (f) => files.set(f.remote, f) });
  return { report, files };
}

async function verify(t: ErasureTree) {
  const files = new Map<string, FileCheck>();
  const report = await verifyErasure(erasureOf(await open(t.spec)), { onFile: (f) => files.set(f.remote, f) });
  return { report, files };
}

describe("erasure status", () => {
  it("counts shards per upstream and judges each file by its headers", async () => {
    tree = await makeErasureTree();
    const { report, files } = await status(tree);
    const count = Object.keys(FILES).length;
    expect(report).toMatchObject({ k: K, n: N, files: count, healthy: count, degraded: 0, atRisk: 0, unreadable: 0 });
    for (const u of report.upstreams) expect(u).toMatchObject({ reachable: true, shards: count });
    expect([...files.keys()]).toEqual(["empty", "one", "a/seg", "a/b/big", "a/b/odd"]);
    expect(files.get("a/b/odd")).toMatchObject({ size: 2503, present: N, good: N, state: "healthy" });
  });

  it("reports missing shards, truncated ones by size, files at risk and unreadable ones", async () => {
    tree = await makeErasureTree();
    rmSync(shardFile(tree, 0, "a/seg"));
    for (const i of [1, 2]) rmSync(shardFile(tree, i, "one"));
    for (const i of [0, 1, 2]) rmSync(shardFile(tree, i, "a/b/big"));
    truncateSync(shardFile(tree, 3, "a/b/odd"), 100);
    rmSync(tree.dirs[5] as string, { recursive: true });
    const { report, files } = await status(tree);
    expect(files.get("a/seg")).toMatchObject({ present: 4, good: 4, state: "at_risk" });
    expect(files.get("one")).toMatchObject({ present: 3, state: "unreadable" });
    expect(files.get("a/b/big")).toMatchObject({ present: 2, state: "unreadable" });
    expect(files.get("a/b/odd")).toMatchObject({ present: 5, good: 4, state: "at_risk" });
    expect(files.get("empty")).toMatchObject({ present: 5, good: 5, state: "degraded" });
    // At risk: exactly k good shards (a/seg, a/b/odd); degraded: more than k, fewer than n (empty).
    expect(report).toMatchObject({ files: 5, healthy: 0, degraded: 1, atRisk: 2, unreadable: 2 });
    expect(report.upstreams[5]).toMatchObject({ reachable: true, shards: 0, bytes: 0 });
  });

  it("reports an upstream that cannot be listed as unreachable, its shards as missing", async () => {
    tree = await makeErasureTree();
    const fs = erasureOf(await open(tree.spec));
    const upstreams = [...fs.upstreams];
    const dead = new FaultFs(upstreams[4] as Fs);
    dead.vanish();
    upstreams[4] = dead;
    const broken = new ErasureFs(fs.name, fs.root, upstreams, fs.plan, fs.rs);
    const files: FileStatus[] = [];
    const report = await erasureStatus(broken, { onFile: (f) => files.push(f) });
    expect(report.upstreams[4]).toMatchObject({ reachable: false, shards: 0 });
    expect(report.upstreams[4]?.error).toBeTruthy();
    expect(report.upstreams[3]).toMatchObject({ reachable: true, shards: 5 });
    expect(files.every((f) => f.present === N - 1 && f.state === "degraded")).toBe(true);
  });

  it("scans a subdirectory only", async () => {
    tree = await makeErasureTree();
    const { report, files } = await status(tree, "a/b");
    expect([...files.keys()]).toEqual(["a/b/big", "a/b/odd"]);
    expect(report.files).toBe(2);
  });
});

describe("erasure verify", () => {
  it("finds nothing wrong in a fresh tree", async () => {
    tree = await makeErasureTree();
    const { report, files } = await verify(tree);
    expect(report).toMatchObject({ files: 5, degraded: [], unreadable: [] });
    expect([...files.values()].every((f) => f.healthy === N)).toBe(true);
    expect(verifyProblem(report)).toBeUndefined();
  });

  it("finds a flipped byte, a truncated shard, a missing one and a grown one", async () => {
    tree = await makeErasureTree();
    const flipped = shardFile(tree, 2, "a/b/big");
    const bytes = readFileSync(flipped);
    bytes[64 + 3 * (250 + 32) + 7] ^= 0x10; // in segment 3's piece
    writeFileSync(flipped, bytes);
    truncateSync(shardFile(tree, 4, "a/b/odd"), 64 + 282 + 100);
    rmSync(shardFile(tree, 1, "a/seg"));
    appendFileSync(shardFile(tree, 0, "one"), "x");
    const { report, files } = await verify(tree);
    const problems = (remote: string) =>
      (files.get(remote) as FileCheck).shards.flatMap((s) =>
        s.state === "ok" ? [] : [`${s.index} ${s.state === "bad" ? s.reason : "missing"}`],
      );
    expect(problems("a/b/big")).toEqual(["2 piece of segment 3 fails its checksum"]);
    expect(problems("a/b/odd")).toEqual(["4 truncated at segment 1"]);
    expect(problems("a/seg")).toEqual(["1 missing"]);
    expect(problems("one")).toEqual(["0 bytes after the trailer"]);
    expect(problems("empty")).toEqual([]);
    expect(report.degraded.sort()).toEqual(["a/b/big", "a/b/odd", "a/seg", "one"]);
    expect(report.unreadable).toEqual([]);
    const problem = verifyProblem(report);
    expect(isFsError(problem, "Differences")).toBe(true);
  });

  it("ends with Corrupt naming a file with fewer than k healthy shards", async () => {
    tree = await makeErasureTree();
    rmSync(shardFile(tree, 0, "a/b/odd"));
    for (const i of [3, 5]) {
      const f = shardFile(tree, i, "a/b/odd");
      const bytes = readFileSync(f);
      bytes[5] ^= 1; // header magic
      writeFileSync(f, bytes);
    }
    const { report, files } = await verify(tree);
    expect(files.get("a/b/odd")?.healthy).toBe(3);
    expect(report.unreadable).toEqual(["a/b/odd"]);
    const problem = verifyProblem(report);
    expect(isFsError(problem, "Corrupt")).toBe(true);
    expect(problem?.message).toContain("a/b/odd");
  });
});
