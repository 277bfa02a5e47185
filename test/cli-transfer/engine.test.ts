/**
 * The sync engine's transfer features through the library: --track-renames, --compare-dest,
 * --copy-dest, --immutable, --no-traverse, what server-side copies count against --max-transfer and
 * --bwlimit, and the server-side figures of the stats block.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenBucket } from "../../src/fs/accounting/bwlimit.js";
import { Stats } from "../../src/fs/accounting/stats.js";
import { toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { type LogEntry, setLogLevel, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { walk } from "../../src/fs/operations/walk.js";
import { parseRenameStrategy } from "../../src/fs/sync/renames.js";
import { runSync, type SyncOptions } from "../../src/fs/sync/sync.js";
import type { Fs } from "../../src/fs/types.js";
import { removeStackTemps, tempDir } from "../conformance/stacks.js";
import { bytes, MODTIME, putFile, rng } from "../sync/tree.js";

let lines: string[] = [];
beforeEach(() => {
  lines = [];
  setLogLevel("DEBUG");
  setLogSink((e: LogEntry) => lines.push(`${e.level}: ${e.object ? `${e.object}: ` : ""}${e.message}`));
});
afterEach(() => {
  setLogSink(undefined);
  setLogLevel("NOTICE");
  removeStackTemps();
});

let seq = 0;
const ctx = createContext();
const memory = () => newFs(`:memory:engine-${Date.now()}-${seq++}`, ctx);
const local = () => newFs(tempDir("strata-transfer-"), ctx);
const opts = (extra: Partial<SyncOptions> = {}): SyncOptions => ({ stats: new Stats(), ...extra });
const text = (s: string) => new TextEncoder().encode(s);

/** path → content of every file under the root. */
async function contents(fs: Fs): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const { entries } of walk(fs, "")) {
    for (const e of entries)
      if (e.kind === "file") out[e.remote] = new TextDecoder().decode(await toBytes(await e.open()));
  }
  return out;
}

const logged = (re: RegExp) => lines.filter((l) => re.test(l));

describe("--track-renames", () => {
  it("parses rclone's strategies and refuses others", () => {
    expect(parseRenameStrategy("modtime,leaf")).toEqual(["modtime", "leaf"]);
    expect(() => parseRenameStrategy("hash,size")).toThrow('unknown track renames strategy "size"');
  });

  for (const [strategy, renamed] of [
    ["hash", ["a/moved.txt"]],
    ["modtime", ["a/moved.txt"]],
    ["leaf", []],
    ["hash,leaf", []],
  ] as const) {
    it(`renames on the destination by ${strategy} (server-side move), sends the rest`, async () => {
      const [src, base] = await Promise.all([memory(), memory()]);
      const dst = new CountingFs(base);
      await putFile(src, "a/moved.txt", text("the moved content"));
      await putFile(src, "new.txt", text("new"));
      await putFile(dst, "old/name.txt", text("the moved content"));
      await putFile(dst, "gone.txt", text("gone"));
      dst.reset();
      const o = opts({ trackRenames: parseRenameStrategy(strategy) });
      await runSync("sync", src, dst, o);
      expect(await contents(dst)).toEqual({ "a/moved.txt": "the moved content", "new.txt": "new" });
      const renames = logged(/Renamed from/).map((l) => l.split(":")[1]?.trim());
      expect(renames).toEqual(renamed);
      if (renamed.length > 0) {
        expect(lines).toContain("INFO: old/name.txt: Moved (server-side) to: a/moved.txt");
        expect(lines).toContain('INFO: a/moved.txt: Renamed from "old/name.txt"');
        expect(o.stats.renames).toBe(1);
        expect(o.stats.serverSideMoves).toBe(1);
        expect(o.stats.transfers).toBe(1);
        expect(o.stats.summary()).toContain("Renamed:                1");
      } else expect(o.stats.transfers).toBe(2);
      expect(o.stats.errors).toBe(0);
    });
  }

  it("the leaf strategy renames a file moved to another directory under the same name", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await putFile(src, "b/same.txt", text("content"));
    await putFile(dst, "a/same.txt", text("content"));
    const o = opts({ trackRenames: ["leaf"] });
    await runSync("sync", src, dst, o);
    expect(await contents(dst)).toEqual({ "b/same.txt": "content" });
    expect(lines).toContain('INFO: b/same.txt: Renamed from "a/same.txt"');
  });

  it("the modtime strategy does not rename a file whose modtime differs", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await putFile(src, "b.txt", text("content"));
    await putFile(dst, "a.txt", text("content"), new Date(MODTIME.getTime() + 5000));
    await runSync("sync", src, dst, opts({ trackRenames: ["modtime"] }));
    expect(logged(/Renamed from/)).toEqual([]);
    expect(await contents(dst)).toEqual({ "b.txt": "content" });
  });

  it("is ignored, as rclone does, for copy and where the sides share no hash", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await putFile(src, "b.txt", text("content"));
    await putFile(dst, "a.txt", text("content"));
    await runSync("copy", src, dst, opts({ trackRenames: ["hash"] }));
    expect(lines).toContain(`ERROR: ${dst}: Ignoring --track-renames as it doesn't work with copy or move, only sync`);
    expect(await contents(dst)).toEqual({ "a.txt": "content", "b.txt": "content" });
  });
});

describe("--compare-dest and --copy-dest", () => {
  async function trees() {
    const [src, dst, other] = await Promise.all([memory(), memory(), memory()]);
    await putFile(src, "in-other.txt", text("same as other"));
    await putFile(src, "changed.txt", text("new version"));
    await putFile(src, "fresh.txt", text("fresh"));
    await putFile(other, "in-other.txt", text("same as other"));
    await putFile(other, "changed.txt", text("new version"));
    await putFile(dst, "changed.txt", text("old"));
    return { src, dst, other };
  }

  it("--compare-dest: files equal to the compare directory's are not sent", async () => {
    const { src, dst, other } = await trees();
    const o = opts({ compareDest: [other] });
    await runSync("sync", src, dst, o);
    expect(await contents(dst)).toEqual({ "changed.txt": "old", "fresh.txt": "fresh" });
    expect(lines).toContain("DEBUG: in-other.txt: Destination found in --compare-dest, skipping");
    expect(o.stats.transfers).toBe(1);
  });

  it("--copy-dest: files equal to the copy directory's are copied from there server-side", async () => {
    const { src: memorySrc, dst, other } = await trees();
    // A local source, so only what comes from --copy-dest can be copied server-side.
    const counted = new CountingFs(await local());
    await runSync("copy", memorySrc, counted, opts());
    counted.reset();
    const o = opts({ copyDest: [other] });
    await runSync("sync", counted, dst, o);
    expect(await contents(dst)).toEqual({
      "changed.txt": "new version",
      "fresh.txt": "fresh",
      "in-other.txt": "same as other",
    });
    // Only the file in neither place was read from the source.
    expect(counted.bytesRead).toBe("fresh".length);
    expect(o.stats.serverSideCopies).toBe(2);
    expect(lines).toContain("INFO: in-other.txt: Copied (server-side copy)");
    expect(lines).toContain("DEBUG: in-other.txt: Destination found in --copy-dest, using server-side copy");
  });
});

describe("--immutable and --no-traverse", () => {
  it("--immutable: a differing destination file is an error (no retry) and stays; new files are sent", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await putFile(src, "changed.txt", text("new version"));
    await putFile(src, "fresh.txt", text("fresh"));
    await putFile(dst, "changed.txt", text("old"));
    await putFile(dst, "extra.txt", text("extra"));
    const o = opts({ immutable: true });
    await runSync("sync", src, dst, o);
    expect(o.stats.errors).toBe(1);
    expect(o.stats.retryableErrors).toBe(0);
    expect(lines).toContain(
      "ERROR: changed.txt: Source and destination exist but do not match: immutable file modified",
    );
    // After an error, sync deletes nothing.
    expect(await contents(dst)).toEqual({ "changed.txt": "old", "extra.txt": "extra", "fresh.txt": "fresh" });
  });

  it("--no-traverse: copy looks destination files up by name instead of listing, same outcome", async () => {
    const [src, base] = await Promise.all([memory(), memory()]);
    const dst = new CountingFs(base);
    await putFile(src, "same.txt", text("same"));
    await putFile(src, "d/changed.txt", text("new version"));
    await putFile(dst, "same.txt", text("same"));
    await putFile(dst, "d/changed.txt", text("old"));
    dst.reset();
    const o = opts({ noTraverse: true });
    await runSync("copy", src, dst, o);
    expect(dst.count("list")).toBe(0);
    expect(await contents(dst)).toEqual({ "same.txt": "same", "d/changed.txt": "new version" });
    expect(o.stats.transfers).toBe(1);
    expect(o.stats.checks).toBe(2);
  });

  it("--no-traverse is ignored with sync, which must list to delete", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await putFile(src, "kept.txt", text("kept"));
    await putFile(dst, "extra.txt", text("extra"));
    await runSync("sync", src, dst, opts({ noTraverse: true }));
    expect(lines).toContain("ERROR: Ignoring --no-traverse with sync");
    expect(await contents(dst)).toEqual({ "kept.txt": "kept" });
  });
});

describe("server-side bytes, --max-transfer and --bwlimit", () => {
  const KiB300 = 300 * 1024;

  async function fourFiles(fs: Fs) {
    const random = rng(7);
    for (let i = 1; i <= 4; i++) await putFile(fs, `f${i}`, bytes(random, KiB300));
  }

  it("server-side copies count against --max-transfer as rclone's do (a copy starts below the limit)", async () => {
    const [src, dst] = await Promise.all([memory(), memory()]);
    await fourFiles(src);
    const o = opts({ stats: new Stats({ maxTransfer: 700 * 1024 }), transfers: 1 });
    await runSync("copy", src, dst, o);
    // As rclone 1.60 (checked with rclone rcd over :memory:): 300K, 600K, then 900K, then refused.
    expect(Object.keys(await contents(dst))).toHaveLength(3);
    expect(o.stats.cutoffReached).toBe(true);
    expect(o.stats.serverSideCopies).toBe(3);
  });

  it("a local copy under --max-transfer streams and is cut off mid-file, as rclone's stream is", async () => {
    const [src, base] = await Promise.all([local(), local()]);
    const dst = new CountingFs(base);
    await fourFiles(src);
    const o = opts({ stats: new Stats({ maxTransfer: 500 * 1024 }), transfers: 1 });
    await runSync("copy", src, dst, o);
    expect(o.stats.cutoffReached).toBe(true);
    expect(dst.count("copy")).toBe(0);
    // f1 whole, f2 stopped past 500 KiB and not committed.
    expect(Object.keys(await contents(dst))).toEqual(["f1"]);
    expect(lines.some((l) => l.includes("f2: Failed to copy: max transfer limit reached"))).toBe(true);
  });

  it("without limits a local copy is the kernel's, counted as sent, not as server-side", async () => {
    const [src, base] = await Promise.all([local(), local()]);
    const dst = new CountingFs(base);
    await putFile(src, "f", text("data"));
    const o = opts();
    await runSync("copy", src, dst, o);
    expect(dst.count("copy")).toBe(1);
    expect(o.stats.serverSideCopies).toBe(0);
    expect(o.stats.bytes).toBe(4);
    expect(lines).toContain("INFO: f: Copied (new)");
  });

  it("--bwlimit does not slow server-side copies, and throttles a local copy from its first byte", async () => {
    const [msrc, mdst] = await Promise.all([memory(), memory()]);
    await putFile(msrc, "f", bytes(rng(1), 512 * 1024));
    let started = Date.now();
    await runSync("copy", msrc, mdst, opts({ stats: new Stats({ bwlimit: new TokenBucket(256 * 1024) }) }));
    expect(Date.now() - started).toBeLessThan(1000);

    const [src, dst] = await Promise.all([local(), local()]);
    await putFile(src, "f", bytes(rng(1), 512 * 1024));
    started = Date.now();
    await runSync("copy", src, dst, opts({ stats: new Stats({ bwlimit: new TokenBucket(512 * 1024) }) }));
    // An empty bucket at the start: 512 KiB at 512 KiB/s takes a second, not an instant burst.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("the stats block shows server-side copies and moves apart from streamed bytes", async () => {
    const [src, dst, far, moved] = await Promise.all([memory(), memory(), local(), memory()]);
    await putFile(src, "a", bytes(rng(2), 1536));
    await putFile(src, "b", bytes(rng(3), 512));
    const o = opts();
    await runSync("copy", src, dst, o);
    await runSync("copy", src, far, o);
    expect(o.stats.summary()).toContain("Server Side Copies:     2 @ 2 KiB");
    expect(o.stats.summary()).toContain("Transferred:            4 / 4, 100%");

    // A server-side move is a check and a rename to rclone, not a transfer.
    const m = opts();
    await runSync("move", dst, moved, m);
    const labels = m.stats
      .summary()
      .split("\n")
      .map((l) => l.split(":")[0]);
    expect(labels).toEqual(["Transferred", "Checks", "Renamed", "Server Side Moves", "Elapsed time"]);
    expect(m.stats.summary()).toContain("Server Side Moves:      2 @ 2 KiB");
    expect(await contents(moved)).toEqual(await contents(src));
  });
});
