/** `strata erasure status|verify|rebuild` and `strata cleanup` over erasure: output and exit codes. */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { formatBytes } from "../../src/fs/units.js";
import { strata } from "../commands/run-cli.js";
import { type ErasureTree, filesUnder, makeErasureTree, shardFile } from "./tree.js";

let tree: ErasureTree;
afterEach(() => tree?.remove());

describe("strata erasure status", () => {
  it("prints upstreams, files below full health and a summary, exits 1; --json and -v too", async () => {
    tree = await makeErasureTree();
    expect((await strata(["erasure", "status", tree.spec])).code).toBe(0);
    for (const i of [0, 1]) rmSync(shardFile(tree, i, "a/seg"));
    const plain = await strata(["erasure", "status", tree.spec]);
    expect(plain.code).toBe(1);
    const lines = plain.stdout.trim().split("\n");
    expect(lines[0]).toBe("4/6 good (4 present) AT RISK: a/seg (shard 0 missing; shard 1 missing)");
    expect(lines.slice(1, 7).every((l, i) => l.startsWith(`upstream ${i} Local file system at`))).toBe(true);
    expect(lines[1]).toMatch(/: 4 shards, .*, writable$/);
    expect(lines[7]).toBe("5 files: 4 healthy, 0 degraded, 1 at risk, 0 unreadable");

    const verbose = await strata(["erasure", "status", "-v", "--no-probe", tree.spec]);
    expect(verbose.stdout).toContain("6/6 good (6 present): a/b/big\n");
    expect(verbose.stdout).not.toContain("writable");

    const json = JSON.parse((await strata(["erasure", "status", "--json", tree.spec])).stdout);
    expect(json).toMatchObject({ k: 4, n: 6, files: 5, healthy: 4, degraded: 0, atRisk: 1, unreadable: 0 });
    expect(json.fileList).toHaveLength(5);
    expect(json.upstreams[2]).toMatchObject({ index: 2, reachable: true, shards: 5 });
  });

  it("refuses a remote that is not erasure", async () => {
    tree = await makeErasureTree({});
    const r = await strata(["erasure", "status", tree.dirs[0] as string]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("is not an erasure remote");
  });
});

describe("strata erasure verify", () => {
  it("exits 0 when healthy, 1 when shards are bad, 2 when a file cannot be read", async () => {
    tree = await makeErasureTree();
    const clean = await strata(["erasure", "verify", tree.spec]);
    expect([clean.code, clean.stdout]).toEqual([0, "5 files verified: 5 healthy, 0 degraded, 0 unreadable\n"]);

    const f = shardFile(tree, 3, "a/b/big");
    const bytes = readFileSync(f);
    bytes[100] ^= 0xff;
    writeFileSync(f, bytes);
    const degraded = await strata(["erasure", "verify", tree.spec]);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toContain("5/6 healthy: a/b/big (shard 3 piece of segment 0 fails its checksum)\n");
    expect(degraded.stdout).toContain("4 healthy, 1 degraded, 0 unreadable");

    // One file named: verify checks only it, named relative to its directory as rclone names files.
    const one = await strata(["erasure", "verify", "--files", `${tree.spec}a/seg`]);
    expect([one.code, one.stdout]).toEqual([
      0,
      "6/6 healthy: seg\n1 files verified: 1 healthy, 0 degraded, 0 unreadable\n",
    ]);

    for (const i of [0, 1]) rmSync(shardFile(tree, i, "a/b/big"));
    const lost = await strata(["erasure", "verify", tree.spec]);
    expect(lost.code).toBe(2);
    expect(lost.stdout).toContain(
      "3/6 healthy: a/b/big (shard 0 missing; shard 1 missing; shard 3 piece of segment 0 fails its checksum; " +
        "UNREADABLE: only 3 good pieces of segment 0, 4 needed)",
    );
    expect(lost.stderr).toContain("Failed to erasure verify: a/b/big: a segment has fewer than 4 good pieces");
  });
});

describe("strata erasure rebuild", () => {
  it("says what it would do with --dry-run, then rebuilds; exits 2 naming a file it cannot rebuild", async () => {
    tree = await makeErasureTree();
    rmSync(tree.dirs[1] as string, { recursive: true });
    const dry = await strata(["erasure", "rebuild", "--dry-run", tree.spec]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would rebuild shard 1: a/b/odd\n");
    expect(dry.stdout).toContain("5 files checked, 5 would rebuild\n");
    expect(dry.stderr).toContain("a/b/odd: Skipped rebuild of shards 1 as --dry-run is set");

    const done = await strata(["erasure", "rebuild", tree.spec]);
    expect([done.code, done.stderr]).toEqual([0, ""]);
    expect(done.stdout).toContain("rebuilt shard 1: a/seg\n");
    expect((await strata(["erasure", "verify", tree.spec])).code).toBe(0);

    for (const i of [0, 2, 3]) rmSync(shardFile(tree, i, "one"));
    const failed = await strata(["erasure", "rebuild", tree.spec]);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain("Failed to erasure rebuild: one: fewer than 4 shards of any version present");
  });
});

describe("strata erasure verify and rebuild -P", () => {
  /** Bytes of every shard object on the upstreams. */
  const shardBytes = () =>
    tree.dirs.reduce((n, d) => n + [...filesUnder(d).values()].reduce((m, b) => m + b.length, 0), 0);

  it("count each file as a check, with the shard bytes read, and rebuilt files as transfers", async () => {
    tree = await makeErasureTree();
    const verify = await strata(["erasure", "verify", "-P", tree.spec]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/Checks:\s+5 \/ 5, 100%/);
    expect(verify.stdout).toContain(`${formatBytes(shardBytes())} / ${formatBytes(shardBytes())}, 100%`);

    rmSync(tree.dirs[1] as string, { recursive: true });
    const rebuild = await strata(["erasure", "rebuild", "-P", tree.spec]);
    expect(rebuild.code).toBe(0);
    expect(rebuild.stdout).toMatch(/Checks:\s+5 \/ 5, 100%/);
    expect(rebuild.stdout).toMatch(/Transferred:\s+5 \/ 5, 100%/);
    expect(rebuild.stdout).toContain("5 files checked, 5 rebuilt\n");
  });
});
