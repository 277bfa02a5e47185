/**
 * `erasure status` against a ground truth: a tree where the test removes, truncates, grows and
 * forges specific shards, so it knows each file's state; status's counts, per-file states and exit
 * codes must match it, from headers and sizes alone and with --verify.
 */
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { FsError } from "../../src/fs/errors.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import type { Fs } from "../../src/fs/types.js";
import { encodeHeader, HEADER_SIZE } from "../../src/overlays/erasure/format.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { erasureStatus, type FileState, type FileStatus, statusProblem } from "../../src/overlays/erasure/status.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { strata } from "../commands/run-cli.js";
import { type ErasureTree, K, M, N, open, shardFile } from "./tree.js";
import { wholeErasureTree } from "./whole-tree.js";

let tree: ErasureTree;
afterEach(() => tree?.remove());

/** Flips one byte of the header's magic: the header no longer decodes. */
function breakHeader(t: ErasureTree, index: number, remote: string): void {
  const f = shardFile(t, index, remote);
  const bytes = readFileSync(f);
  bytes[3] ^= 0x40;
  writeFileSync(f, bytes);
}

/** Replaces the header with a valid one (checksum and all) saying k + 1 data shards: it belongs to another layout. */
function forgeHeader(t: ErasureTree, index: number, remote: string): void {
  const f = shardFile(t, index, remote);
  const bytes = readFileSync(f);
  const forged = encodeHeader({
    k: K + 1,
    m: M - 1,
    index,
    segmentSize: bytes.readUInt32LE(12),
    modTimeNs: bytes.readBigInt64LE(16),
    vid: bytes.readUIntBE(24, 6),
  });
  forged.copy(bytes, 0);
  writeFileSync(f, bytes);
}

/** Flips a byte inside the first piece: header and size stay right, only a content read sees it. */
function breakPiece(t: ErasureTree, index: number, remote: string): void {
  const f = shardFile(t, index, remote);
  const bytes = readFileSync(f);
  bytes[HEADER_SIZE + 10] ^= 0x01;
  writeFileSync(f, bytes);
}

const SIZE = 2503;
/** Each file's damage and the state it leaves, by header and size (and by content where it differs). */
const CASES: { remote: string; damage: (t: ErasureTree) => void; state: FileState; verified?: FileState }[] = [
  { remote: "ok1", damage: () => undefined, state: "healthy" },
  { remote: "ok2", damage: () => undefined, state: "healthy" },
  { remote: "gone1", damage: (t) => rmSync(shardFile(t, 0, "gone1")), state: "degraded" },
  { remote: "head1", damage: (t) => breakHeader(t, 1, "head1"), state: "degraded" },
  { remote: "forged1", damage: (t) => forgeHeader(t, 2, "forged1"), state: "degraded" },
  { remote: "grown1", damage: (t) => appendFileSync(shardFile(t, 3, "grown1"), "x"), state: "degraded" },
  {
    remote: "risk2",
    damage: (t) => {
      rmSync(shardFile(t, 0, "risk2"));
      truncateSync(shardFile(t, 5, "risk2"), 1000);
    },
    state: "at_risk",
  },
  {
    remote: "risk2h",
    damage: (t) => {
      breakHeader(t, 2, "risk2h");
      forgeHeader(t, 4, "risk2h");
    },
    state: "at_risk",
  },
  {
    // Three shards gone: no version has k listed, so the file does not even list.
    remote: "lost3",
    damage: (t) => {
      for (const i of [1, 2, 3]) rmSync(shardFile(t, i, "lost3"));
    },
    state: "unreadable",
  },
  {
    // All six listed, but three headers bad: listings alone would call it degraded.
    remote: "heads3",
    damage: (t) => {
      for (const i of [0, 3]) breakHeader(t, i, "heads3");
      truncateSync(shardFile(t, 5, "heads3"), HEADER_SIZE + 5);
      forgeHeader(t, 5, "heads3");
    },
    state: "unreadable",
  },
  { remote: "piece1", damage: (t) => breakPiece(t, 4, "piece1"), state: "healthy", verified: "degraded" },
];

async function damagedTree(): Promise<ErasureTree> {
  const t = await wholeErasureTree(Object.fromEntries(CASES.map((c) => [c.remote, SIZE])));
  for (const c of CASES) c.damage(t);
  return t;
}

function truth(verified: boolean): Record<FileState, number> {
  const counts: Record<FileState, number> = { healthy: 0, degraded: 0, at_risk: 0, unreadable: 0 };
  for (const c of CASES) counts[verified ? (c.verified ?? c.state) : c.state]++;
  return counts;
}

describe("erasure status against a ground truth", () => {
  it("judges every file by its shards' headers and sizes, and by content with verify", async () => {
    tree = await damagedTree();
    const fs = erasureOf(await open(tree.spec));
    for (const verify of [false, true]) {
      const files = new Map<string, FileStatus>();
      const report = await erasureStatus(fs, { verify, checkers: 3, onFile: (f) => files.set(f.remote, f) });
      for (const c of CASES) {
        expect(files.get(c.remote)?.state, `${c.remote}${verify ? " verified" : ""}`).toBe(
          verify ? (c.verified ?? c.state) : c.state,
        );
      }
      const want = truth(verify);
      expect(report).toMatchObject({
        files: CASES.length,
        healthy: want.healthy,
        degraded: want.degraded,
        atRisk: want.at_risk,
        unreadable: want.unreadable,
        verified: verify,
      });
    }
  });

  it("names each bad shard and why", async () => {
    tree = await damagedTree();
    const files = new Map<string, FileStatus>();
    await erasureStatus(erasureOf(await open(tree.spec)), { onFile: (f) => files.set(f.remote, f) });
    const bad = (remote: string) =>
      (files.get(remote) as FileStatus).shards.flatMap((s) =>
        s.state === "ok" ? [] : [`${s.index} ${s.reason ?? s.state}`],
      );
    expect(bad("gone1")).toEqual(["0 missing"]);
    expect(bad("head1")).toEqual(["1 bad magic"]);
    expect(bad("forged1")).toEqual([`2 header says ${K + 1}+${M - 1} shards, its name ${K}+${M}`]);
    expect(bad("grown1")[0]).toMatch(/^3 size \d+, should be \d+$/);
    expect(files.get("heads3")).toMatchObject({ present: N, good: 3, k: K, n: N });
  });

  it("prints the same counts with --json, exit code 2 for the unreadable files", async () => {
    tree = await damagedTree();
    const r = await strata(["erasure", "status", "--json", tree.spec]);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.stdout);
    const want = truth(false);
    expect(json).toMatchObject({ files: CASES.length, healthy: want.healthy, atRisk: want.at_risk });
    expect(json.degraded).toBe(want.degraded);
    expect(json.unreadable).toBe(want.unreadable);
    const states = Object.fromEntries(json.fileList.map((f: FileStatus) => [f.remote, f.state]));
    expect(states).toEqual(Object.fromEntries(CASES.map((c) => [c.remote, c.state])));
    for (const u of json.upstreams) expect(u).toMatchObject({ reachable: true, writable: true });
    expect(r.stderr).toContain("Failed to erasure status: ");
  });

  it("exits 0 at full health, 1 degraded, 1 at risk, 2 unreadable", async () => {
    tree = await wholeErasureTree({ f: SIZE, g: 10 });
    const code = async () => (await strata(["erasure", "status", tree.spec])).code;
    expect(await code()).toBe(0);
    rmSync(shardFile(tree, 1, "f"));
    const degraded = await strata(["erasure", "status", tree.spec]);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toContain("5/6 good (5 present) DEGRADED: f (shard 1 missing)\n");
    expect(degraded.stdout).toContain("2 files: 1 healthy, 1 degraded, 0 at risk, 0 unreadable\n");
    breakHeader(tree, 2, "f");
    const atRisk = await strata(["erasure", "status", tree.spec]);
    expect(atRisk.code).toBe(1);
    expect(atRisk.stdout).toContain(
      "4/6 good (5 present) AT RISK: f (shard 1 missing; shard 2 on upstream 2: bad magic)\n",
    );
    truncateSync(shardFile(tree, 3, "f"), 0);
    expect(await code()).toBe(2);
  });
});

describe("erasure status per upstream", () => {
  it("calls an upstream that refuses writes not writable, and that alone is below full health", async () => {
    tree = await wholeErasureTree({ f: SIZE });
    const fs = erasureOf(await open(tree.spec));
    const upstreams = [...fs.upstreams];
    upstreams[3] = new FaultFs(upstreams[3] as Fs, { rules: [{ ops: ["put"], fail: "permanent" }] });
    const broken = new ErasureFs(fs.name, fs.root, upstreams, fs.plan, fs.rs);
    const report = await erasureStatus(broken, { probe: true });
    expect(report.healthy).toBe(1);
    expect(report.upstreams.map((u) => u.writable)).toEqual([true, true, true, false, true, true]);
    expect(report.upstreams[3]?.writeError).toBeTruthy();
    expect((statusProblem(report) as FsError).code).toBe("Differences");
    // The probe leaves nothing behind on the upstreams that took it.
    const plain = await erasureStatus(fs, { probe: true });
    expect(statusProblem(plain)).toBeUndefined();
    const listed = await (fs.upstreams[0] as Fs).list("");
    expect(listed.map((e) => e.remote).filter((r) => r.includes("probe"))).toEqual([]);
  });

  it("calls an upstream whose listing fails unreachable, and counts its header read errors", async () => {
    tree = await wholeErasureTree({ f: SIZE, g: 100 });
    const fs = erasureOf(await open(tree.spec));
    const upstreams = [...fs.upstreams];
    upstreams[1] = new FaultFs(upstreams[1] as Fs, { rules: [{ ops: ["list"], fail: "transient" }] });
    upstreams[2] = new FaultFs(upstreams[2] as Fs, { rules: [{ ops: ["open"], fail: "transient" }] });
    const report = await erasureStatus(new ErasureFs(fs.name, fs.root, upstreams, fs.plan, fs.rs));
    expect(report.upstreams[1]).toMatchObject({ reachable: false, shards: 0 });
    expect(report.upstreams[2]).toMatchObject({ reachable: true, shards: 2, readErrors: 2 });
    // Shard 1 missing, shard 2 unreadable: 4 good of 6.
    expect(report).toMatchObject({ files: 2, atRisk: 2 });
    expect((statusProblem(report) as FsError).code).toBe("Differences");
  });
});
