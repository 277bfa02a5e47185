/**
 * Issue 15, erasure: each defect as the reporter found it (items 3, 4, 5, 9 and the leaked
 * FileHandle of item 10), over local upstreams unless the defect does not depend on them.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { formatLogLine, type LogLevel, setLogLevel, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { copyFile } from "../../src/fs/operations/copy.js";
import type { Body } from "../../src/fs/types.js";
import { Layout } from "../../src/overlays/erasure/format.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { erasureStatus, type FileStatus } from "../../src/overlays/erasure/status.js";
import { type FileCheck, verifyErasure } from "../../src/overlays/erasure/verify.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { tempDirs } from "../temp-dirs.js";
import {
  erasureSpec,
  memoryRemotes,
  openErasure,
  over,
  putFile,
  readFile,
  readShards,
  resealHeader,
  shardObject,
  writeShard,
} from "./erasure-shards.js";

const tempDir = tempDirs("strata-ec-issue15-");
const SEGMENT = 64 * 1024;
/** Seven segments, the last one short. */
const DATA = seededBytes("issue 15", 6 * SEGMENT + 4321);
const localSpec = (extra = "") =>
  erasureSpec(
    Array.from({ length: 6 }, () => tempDir()),
    4,
    "64Ki",
    extra,
  );

/** Log lines at `level` and above while the test runs. */
function captureLog(level: LogLevel = "NOTICE"): string[] {
  const lines: string[] = [];
  setLogLevel(level);
  setLogSink((entry) => lines.push(formatLogLine(entry)));
  return lines;
}
afterEach(() => {
  setLogLevel("NOTICE");
});

async function verify(
  spec: string,
): Promise<{ report: Awaited<ReturnType<typeof verifyErasure>>; files: FileCheck[] }> {
  const files: FileCheck[] = [];
  const report = await verifyErasure(await openErasure(spec), { onFile: (f) => files.push(f) });
  return { report, files };
}

describe("item 3: a bad piece costs that piece of that segment, not the whole shard", () => {
  it("one flipped byte in each of the 6 shards, each in another segment: cat, verify and rebuild work", async () => {
    captureLog("ERROR");
    const spec = localSpec();
    const fs = await openErasure(spec);
    await putFile(fs, "f.bin", DATA);
    const originals = await readShards(fs, "f.bin");
    const layout = new Layout(DATA.length, 4, SEGMENT);
    for (let i = 0; i < 6; i++) {
      const bytes = Buffer.from(originals[i] as Buffer);
      bytes[layout.pieceOffset(i) + 100 + i] ^= 0x40;
      await writeShard(fs, "f.bin", i, bytes);
    }

    expect((await readFile(await openErasure(spec), "f.bin")).equals(DATA)).toBe(true);
    const range = await readFile(await openErasure(spec), "f.bin", 2 * SEGMENT - 10, SEGMENT + 20);
    expect(range.equals(DATA.subarray(2 * SEGMENT - 10, 3 * SEGMENT + 10))).toBe(true);

    const { report, files } = await verify(spec);
    expect(report).toMatchObject({ degraded: ["f.bin"], unreadable: [] });
    expect(files[0]?.shards.map((s) => (s.state === "bad" ? s.badSegments : s.state))).toEqual([
      [0],
      [1],
      [2],
      [3],
      [4],
      [5],
    ]);

    const rebuilt = await rebuildErasure(await openErasure(spec));
    expect(rebuilt.rebuilt).toEqual([{ remote: "f.bin", shards: [0, 1, 2, 3, 4, 5] }]);
    expect(await readShards(fs, "f.bin")).toEqual(originals);
  });

  it("rebuild rewrites only the shards that have a bad piece", async () => {
    captureLog("ERROR");
    const spec = localSpec();
    const fs = await openErasure(spec);
    await putFile(fs, "f.bin", DATA);
    const originals = await readShards(fs, "f.bin");
    const layout = new Layout(DATA.length, 4, SEGMENT);
    for (const [i, j] of [
      [1, 6],
      [2, 3],
      [4, 0],
    ] as const) {
      const bytes = Buffer.from(originals[i] as Buffer);
      bytes[layout.pieceOffset(j)] ^= 1;
      await writeShard(fs, "f.bin", i, bytes);
    }
    const rebuilt = await rebuildErasure(await openErasure(spec));
    expect(rebuilt.rebuilt).toEqual([{ remote: "f.bin", shards: [1, 2, 4] }]);
    expect(await readShards(fs, "f.bin")).toEqual(originals);
  });
});

describe("item 4: forged shard headers", () => {
  /** Writes the file, then changes shard `index`'s header with `forge` and recomputes its checksum. */
  async function forged(spec: string, forges: [index: number, forge: (b: Buffer) => void][]) {
    const fs = await openErasure(spec);
    await putFile(fs, "f.bin", DATA);
    const originals = await readShards(fs, "f.bin");
    for (const [index, forge] of forges) {
      const bytes = Buffer.from(originals[index] as Buffer);
      forge(bytes);
      resealHeader(bytes);
      await writeShard(fs, "f.bin", index, bytes);
    }
    return { fs, originals };
  }

  it("segment size 0 in one header is outvoted: cat returns the file, verify names the shard, rebuild fixes it", async () => {
    captureLog("ERROR");
    const spec = localSpec();
    const { fs, originals } = await forged(spec, [[1, (b) => b.writeUInt32LE(0, 12)]]);
    expect((await readFile(await openErasure(spec), "f.bin")).equals(DATA)).toBe(true);
    const { report, files } = await verify(spec);
    expect(report).toMatchObject({ degraded: ["f.bin"], unreadable: [] });
    const bad = files[0]?.shards[1];
    expect(bad?.state === "bad" && bad.reason).toMatch(/segment size 0/);
    await rebuildErasure(await openErasure(spec));
    expect(await readShards(fs, "f.bin")).toEqual(originals);
  });

  it("another valid segment size in one data shard's header is outvoted too", async () => {
    captureLog("ERROR");
    const spec = localSpec();
    await forged(spec, [[0, (b) => b.writeUInt32LE(SEGMENT - 1, 12)]]);
    expect((await readFile(await openErasure(spec), "f.bin")).equals(DATA)).toBe(true);
    expect(
      (await readFile(await openErasure(spec), "f.bin", 3 * SEGMENT, 10)).equals(
        DATA.subarray(3 * SEGMENT, 3 * SEGMENT + 10),
      ),
    ).toBe(true);
  });

  it("too many bad headers: a typed error naming the file and each bad shard by upstream and name", async () => {
    captureLog("ERROR");
    const spec = localSpec();
    const { fs } = await forged(spec, [
      [0, (b) => b.writeUInt32LE(0, 12)],
      [2, (b) => b.writeUInt32LE(7, 12)],
      [5, (b) => (b[9] = 0)],
    ]);
    const err = await readFile(await openErasure(spec), "f.bin").catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
    const message = (err as Error).message;
    expect(message).toMatch(/^f\.bin: /);
    for (const i of [0, 2, 5]) {
      expect(message).toContain(`shard ${i} (${fs.upstreams[i]}: ${(await shardObject(fs, "f.bin", i)).remote})`);
    }
  });
});

describe("item 5: an upload that stores fewer than n shards says so", () => {
  it("happy=5 with one upstream refusing the put: a NOTICE naming shard and upstream, a count, status degraded", async () => {
    const spec = erasureSpec(memoryRemotes(6), 4, "1000b", ",happy=5");
    const base = await openErasure(spec);
    const fs = over(base, (u, i) => (i === 3 ? new FaultFs(u, { rules: [{ ops: ["put"], fail: "permanent" }] }) : u));
    const lines = captureLog("NOTICE");
    await putFile(fs, "f.bin", DATA.subarray(0, 5000));
    const notice = lines.filter((l) => l.includes("NOTICE") && l.includes("f.bin"));
    expect(notice, lines.join("\n")).toHaveLength(1);
    expect(notice[0]).toContain(`shard 3 (${base.upstreams[3]})`);
    expect(fs.shardsNotStored).toBe(1);

    const files: FileStatus[] = [];
    const report = await erasureStatus(await openErasure(spec), { onFile: (f) => files.push(f) });
    expect(report).toMatchObject({ files: 1, healthy: 0, degraded: 1, unreadable: 0 });
    expect(files[0]).toMatchObject({ remote: "f.bin", present: 5, state: "degraded" });
  });
});

describe("item 9: decoded names erasure must not list", () => {
  it("shards named as `.` and `..` are skipped with a notice naming them", async () => {
    const spec = erasureSpec(memoryRemotes(6), 4, "1000b");
    const fs = await openErasure(spec);
    await putFile(fs, "ok.bin", DATA.subarray(0, 10));
    for (const [i, u] of fs.upstreams.entries()) {
      for (const name of [".", ".."]) {
        await u.put(fromBytes(Buffer.alloc(200)), {
          remote: `${name}.10.000000000001.s${i}`,
          size: 200,
          modTime: new Date(),
        });
      }
    }
    const lines = captureLog("NOTICE");
    const listed = await (await openErasure(spec)).list("");
    expect(listed.map((e) => e.remote)).toEqual(["ok.bin"]);
    expect(lines.some((l) => l.includes('name ".."'))).toBe(true);
    expect(lines.some((l) => l.includes('name "."'))).toBe(true);
    const files: FileStatus[] = [];
    await erasureStatus(await openErasure(spec), { onFile: (f) => files.push(f) });
    expect(files.map((f) => f.remote)).toEqual(["ok.bin"]);
  });
});

// happy = n: one upstream failing fails the upload (by default it would cost only its shard).
describe("item 10: a failed upload leaves no file handle to the garbage collector", () => {
  it("closes the body it was given when an upstream fails mid-upload", async () => {
    captureLog("ERROR");
    const spec = localSpec(",happy=6");
    const fs = over(await openErasure(spec), (u, i) =>
      i === 5 ? new FaultFs(u, { rules: [{ ops: ["put"], failAtByte: 100_000, fail: "permanent" }] }) : u,
    );
    let closed = false;
    const body: Body = (async function* () {
      try {
        for (let at = 0; at < DATA.length; at += 10_000) yield DATA.subarray(at, at + 10_000);
      } finally {
        closed = true;
      }
    })();
    await expect(fs.put(body, { remote: "f.bin", size: DATA.length, modTime: new Date() })).rejects.toThrow();
    expect(closed).toBe(true);
  });

  it("copying a large local file into it: no 'Closing file descriptor' warning after a collection", async () => {
    captureLog("ERROR");
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const src = tempDir();
    writeFileSync(join(src, "big.bin"), Buffer.alloc(8 << 20, 7));
    const srcFs = await newFs(src, createContext());
    const fs = over(await openErasure(localSpec(",happy=6")), (u, i) =>
      i === 5 ? new FaultFs(u, { rules: [{ ops: ["put"], failAtByte: 100_000, fail: "permanent" }] }) : u,
    );
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      await expect(copyFile(await srcFs.newObject("big.bin"), fs, "big.bin")).rejects.toThrow();
      for (let i = 0; i < 5; i++) {
        gc();
        await sleep(50);
      }
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => /file descriptor|FileHandle/.test(w))).toEqual([]);
  });
});
