/**
 * What each cache mode does differently: streamed reads with read-ahead and reopen on seeks, the
 * limits of streamed writes (modes off and minimal), sparse caching of what was read (full), eviction
 * of clean cached data, and read-only views.
 */
import { readdirSync, statSync } from "node:fs";
import { constants } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { stateDirOf } from "../../src/vfs/cache.js";
import { errnoOf, openVfs, type Vfs, type VfsOptions } from "../../src/vfs/index.js";
import { flags, newTemp, readFile, seededBytes, writeFile } from "./helpers.js";

const E = constants.errno;

const opened: Vfs[] = [];
afterEach(async () => {
  for (const v of opened.splice(0)) await v.close();
});

/** A counted memory remote holding `files`, and a VFS over it. */
async function setup(options: Partial<VfsOptions>, files: Record<string, Uint8Array> = {}) {
  const base = await newFs(`:memory:vfs-modes-${Math.random().toString(36).slice(2)}`, createContext());
  for (const [path, data] of Object.entries(files)) {
    await base.put(
      (async function* () {
        yield data;
      })(),
      { remote: path, size: data.length, modTime: new Date() },
    );
  }
  const fs = new CountingFs(base);
  const cacheDir = newTemp();
  const vfs = await openVfs(fs, { writeBack: 0, cacheDir, ...options });
  opened.push(vfs);
  return { fs, vfs, cacheDir };
}

async function errnoOfCall(p: Promise<unknown>): Promise<number> {
  return p.then(
    () => 0,
    (err: unknown) => errnoOf(err),
  );
}

/** Bytes of cached data on disk (allocated blocks, so a sparse file counts what it holds). */
function cachedBytes(cacheDir: string, fs: Fs): number {
  const dir = join(stateDirOf(cacheDir, fs), "files");
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).blocks * 512, 0);
}

const BIG = seededBytes(5 << 19, 1);

describe("cache mode off", () => {
  it("reads sequentially through one open of the remote, and opens again on a seek far back", async () => {
    const { fs, vfs } = await setup({ cacheMode: "off", readAhead: 65536 }, { big: BIG });
    const h = await vfs.open("big", flags("read"));
    for (let at = 0; at < BIG.length; at += 16384) {
      expect(Buffer.from(await h.read(at, 16384)).equals(BIG.subarray(at, at + 16384))).toBe(true);
    }
    expect(fs.count("open")).toBe(1);
    expect(Buffer.from(await h.read(100, 10)).equals(BIG.subarray(100, 110))).toBe(true);
    expect(fs.count("open")).toBe(2);
    await h.release();
  });

  it("answers reads arriving a little out of order without opening the remote again", async () => {
    const { fs, vfs } = await setup({ cacheMode: "off", readAhead: 0 }, { big: BIG });
    const h = await vfs.open("big", flags("read"));
    for (const at of [0, 131_072, 65_536, 262_144, 196_608, 100, 327_680]) {
      expect(Buffer.from(await h.read(at, 65_536)).equals(BIG.subarray(at, at + 65_536))).toBe(true);
    }
    expect(fs.count("open")).toBe(1);
    await h.release();
  });

  it("refuses writes that are not sequential, and opening an existing file for write without O_TRUNC", async () => {
    const { vfs } = await setup({ cacheMode: "off" }, { small: seededBytes(10, 2) });
    expect(await errnoOfCall(vfs.open("small", flags("write")))).toBe(E.EPERM);
    const h = await vfs.open("new", flags("write", "create"));
    await h.write(0, seededBytes(10, 3));
    expect(await errnoOfCall(h.write(100, seededBytes(10, 3)))).toBe(E.ESPIPE);
    expect((await vfs.stat("new")).size).toBe(10);
    await h.release();
    expect(Buffer.from(await readFile(vfs, "new")).equals(seededBytes(10, 3))).toBe(true);
  });

  it("truncates to zero without the cache but no other size", async () => {
    const { vfs } = await setup({ cacheMode: "off" }, { t: seededBytes(10, 4) });
    expect(await errnoOfCall(vfs.truncate("t", 5))).toBe(E.EPERM);
    await vfs.truncate("t", 0);
    expect((await vfs.stat("t")).size).toBe(0);
  });
});

describe("cache mode minimal", () => {
  it("puts files opened for read and write through the cache, so they can seek", async () => {
    const { vfs } = await setup({ cacheMode: "minimal" }, { f: seededBytes(100, 5) });
    const h = await vfs.open("f", flags("read", "write"));
    await h.write(50, new Uint8Array([1, 2, 3]));
    expect(Array.from(await h.read(49, 5))).toEqual([seededBytes(100, 5)[49], 1, 2, 3, seededBytes(100, 5)[53]]);
    await h.release();
    await vfs.sync();
    expect(Array.from((await readFile(vfs, "f")).subarray(50, 53))).toEqual([1, 2, 3]);
  });
});

describe("cache mode writes", () => {
  it("shows a written file at once, before its upload, and shares it between concurrent handles", async () => {
    const { fs, vfs } = await setup({ cacheMode: "writes", writeBack: 60_000 }, { old: seededBytes(100, 12) });
    const a = await vfs.open("f", flags("read", "write", "create"));
    const b = await vfs.open("f", flags("write"));
    const reader = await vfs.open("f", flags("read"));
    await Promise.all([a.write(0, seededBytes(1000, 13)), b.write(1000, seededBytes(500, 14))]);
    const appender = await vfs.open("f", flags("write", "append"));
    await appender.write(0, new Uint8Array([7, 7]));
    expect((await vfs.stat("f")).size).toBe(1502);
    expect(Array.from(await reader.read(1499, 10))).toEqual([seededBytes(500, 14)[499], 7, 7]);
    for (const h of [a, b, reader, appender]) await h.release();
    expect((await vfs.readdir("")).map((e) => e.name).sort()).toEqual(["f", "old"]);
    await expect(fs.newObject("f")).rejects.toMatchObject({ code: "ObjectNotFound" });
    await vfs.sync();
    const want = Buffer.concat([seededBytes(1000, 13), seededBytes(500, 14), Buffer.from([7, 7])]);
    expect(Buffer.from(await readFile(vfs, "f")).equals(want)).toBe(true);
    expect((await fs.newObject("f")).size).toBe(1502);
  });

  it("edits an existing file in place: the rest of it is kept", async () => {
    const { fs, vfs } = await setup({ cacheMode: "writes" }, { f: seededBytes(200_000, 15) });
    const h = await vfs.open("f", flags("write"));
    await h.write(100_000, new Uint8Array([1, 2, 3]));
    await h.release();
    await vfs.sync();
    const want = Buffer.from(seededBytes(200_000, 15));
    want.set([1, 2, 3], 100_000);
    expect(Buffer.from(await toBytes(await (await fs.newObject("f")).open())).equals(want)).toBe(true);
  });
});

describe("cache mode full", () => {
  it("caches what was read, sparsely, and serves it again without the remote", async () => {
    const { fs, vfs, cacheDir } = await setup({ cacheMode: "full", readAhead: 0 }, { big: BIG });
    const h = await vfs.open("big", flags("read"));
    expect(Buffer.from(await h.read(500_000, 1000)).equals(BIG.subarray(500_000, 501_000))).toBe(true);
    await h.release();
    expect(fs.bytesRead).toBe(1000);
    expect(cachedBytes(cacheDir, fs)).toBeLessThan(64 * 1024);
    const again = await vfs.open("big", flags("read"));
    expect(Buffer.from(await again.read(500_100, 500)).equals(BIG.subarray(500_100, 500_600))).toBe(true);
    await again.release();
    expect(fs.count("open")).toBe(1);
  });

  it("fetches ahead of a sequential reader in a few opens of the remote", async () => {
    const { fs, vfs } = await setup({ cacheMode: "full", readAhead: 1 << 20 }, { big: BIG });
    expect(Buffer.from(await readFile(vfs, "big", 131_072)).equals(BIG)).toBe(true);
    expect(fs.count("open")).toBeLessThanOrEqual(Math.ceil(BIG.length / (1 << 19)) + 1);
  });

  it("evicts clean data above cacheMaxSize, oldest first, and keeps what is open", async () => {
    const files = { a: seededBytes(100_000, 6), b: seededBytes(100_000, 7), c: seededBytes(100_000, 8) };
    const { fs, vfs, cacheDir } = await setup({ cacheMode: "full", readAhead: 0, cacheMaxSize: 150_000 }, files);
    const held = await vfs.open("a", flags("read"));
    await held.read(0, 100_000);
    await readFile(vfs, "b", 100_000);
    await readFile(vfs, "c", 100_000);
    // b then c went to get under 150 000 bytes; a stays while open.
    expect(readdirSync(join(stateDirOf(cacheDir, fs), "files"))).toHaveLength(1);
    expect(Buffer.from(await held.read(0, 100_000)).equals(files.a)).toBe(true);
    await held.release();
  });

  it("evicts clean data older than cacheMaxAge", async () => {
    const { fs, vfs, cacheDir } = await setup({ cacheMode: "full", cacheMaxAge: 0 }, { a: seededBytes(1000, 9) });
    await readFile(vfs, "a");
    await writeFile(vfs, "b", seededBytes(10, 10));
    await vfs.sync();
    expect(readdirSync(join(stateDirOf(cacheDir, fs), "files"))).toEqual([]);
  });
});

describe("read-only", () => {
  it("refuses every change with EROFS and still reads", async () => {
    const { vfs } = await setup({ cacheMode: "writes", readOnly: true }, { f: seededBytes(10, 11) });
    for (const call of [
      vfs.open("f", flags("write")),
      vfs.open("g", flags("write", "create")),
      vfs.mkdir("d"),
      vfs.unlink("f"),
      vfs.rename("f", "g"),
      vfs.truncate("f", 0),
      vfs.setModTime("f", new Date()),
    ]) {
      expect(await errnoOfCall(call)).toBe(E.EROFS);
    }
    expect(await errnoOfCall(vfs.open("missing", flags("read")))).toBe(E.ENOENT);
    expect(Buffer.from(await readFile(vfs, "f")).equals(seededBytes(10, 11))).toBe(true);
  });
});

describe("statfs", () => {
  it("reports the remote's about where it has one, and nothing where it has none", async () => {
    const local = await newFs(newTemp(), createContext());
    const vfs = await openVfs(local, { cacheDir: newTemp() });
    opened.push(vfs);
    const usage = await vfs.statfs();
    expect(usage.total).toBeGreaterThan(0);
    const { vfs: mem } = await setup({});
    expect(await mem.statfs()).toEqual({});
  });
});
