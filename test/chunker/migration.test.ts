/**
 * Chunk-format migration: `sync` from one chunker to another over the same wrapped remote copies the
 * data chunks server-side when the chunk boundaries line up, and streams when they do not.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MemoryFs } from "../../src/backends/memory/fs.js";
import { Stats } from "../../src/fs/accounting/stats.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { LayerFs, LayerObject } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { walk } from "../../src/fs/operations/walk.js";
import { cleanRemote, joinRemote } from "../../src/fs/path.js";
import { runSync } from "../../src/fs/sync/sync.js";
import type { CallOptions, Directory, Entry, Fs, FsObject } from "../../src/fs/types.js";
import { ChunkerFs } from "../../src/overlays/chunker/fs.js";
import type { ChunkerOptions } from "../../src/overlays/chunker/index.js";
import { fingerprint } from "../sync/tree.js";
import { chunkerOptions } from "./options.js";

const MiB = 1024 * 1024;
const T0 = new Date(Date.UTC(2022, 9, 21, 12, 34, 56));

const FORMAT_A = chunkerOptions({ chunk_size: MiB });
const FORMAT_B: ChunkerOptions = { ...FORMAT_A, name_format: "*.part##", start_from: 0 };

/** One directory of a remote seen as a remote of its own (a layer, so server-side operations see through). */
class SubdirFs extends LayerFs {
  constructor(
    inner: Fs,
    readonly prefix: string,
  ) {
    super(inner);
  }
  override get root(): string {
    return joinRemote(this.inner.root, this.prefix);
  }
  /** `remote` of the inner Fs relative to this directory. */
  strip(remote: string): string {
    return remote === this.prefix ? "" : remote.slice(this.prefix.length + 1);
  }
  protected override path(remote: string): string {
    return joinRemote(this.prefix, cleanRemote(remote));
  }
  protected override wrapObject(o: FsObject): FsObject {
    return new SubdirObject(this, o);
  }
  override async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    return (await super.list(dir, options)).map((e) =>
      e.kind === "dir" ? ({ ...e, remote: this.strip(e.remote) } as Directory) : e,
    );
  }
}

class SubdirObject extends LayerObject {
  override get remote(): string {
    return (this.fs as SubdirFs).strip(this.inner.remote);
  }
}

let seq = 0;

/** Two chunkers over two directories of ONE counting memory remote. */
function setup(target: Partial<ChunkerOptions>, source: Partial<ChunkerOptions> = {}) {
  const counting = new CountingFs(new MemoryFs(":memory", `migration-${process.pid}-${seq++}`));
  const old = new ChunkerFs(":chunker", "old", new SubdirFs(counting, "old"), { ...FORMAT_A, ...source });
  const neu = new ChunkerFs(":chunker", "new", new SubdirFs(counting, "new"), { ...FORMAT_B, ...target });
  return { counting, old, neu };
}

/** About 20 MiB: one large file, a few chunked ones, a plain small one and an empty one. */
const FILES: [string, number][] = [
  ["big.bin", 15 * MiB + 12345],
  ["dir/three.bin", 3 * MiB],
  ["dir/sub/two-and-a-half.bin", 2.5 * MiB],
  ["dir/small.txt", 4321],
  ["empty", 0],
];
const TOTAL = FILES.reduce((n, [, size]) => n + size, 0);

async function seed(fs: Fs): Promise<void> {
  for (const [remote, size] of FILES) {
    await fs.put(fromBytes(randomBytes(size), 256 * 1024), { remote, size, modTime: T0 });
  }
}

/** Every file name stored in the wrapped remote under `dir`, sorted. */
async function storedNames(base: Fs, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { entries } of walk(base, dir)) {
    for (const e of entries) if (e.kind === "file") out.push(e.remote);
  }
  return out.sort();
}

async function migrate(target: Partial<ChunkerOptions>) {
  const s = setup(target);
  await seed(s.old);
  s.counting.reset();
  const stats = new Stats();
  await runSync("sync", s.old, s.neu, { stats });
  expect(stats.errors).toBe(0);
  const counts = { bytesRead: s.counting.bytesRead, bytesWritten: s.counting.bytesWritten };
  // Clean: every file reads back the same through both chunkers.
  const [a, b] = await Promise.all([fingerprint(s.old), fingerprint(s.neu)]);
  expect(b.files.size).toBe(FILES.length);
  expect(b.files).toEqual(a.files);
  return { ...s, counts, stats };
}

/** The names format B gives a file of `size` bytes in 1 MiB chunks with metadata. */
function formatBNames(remote: string, size: number, chunk = MiB): string[] {
  const n = Math.ceil(size / chunk);
  if (n <= 1) return [remote];
  return [remote, ...Array.from({ length: n }, (_, i) => `${remote}.part${String(i).padStart(2, "0")}`)];
}

describe("chunk-format migration", () => {
  it("(a) same chunk size, same hash: chunks are copied server-side, only metadata is written", async () => {
    const { counting, counts, stats } = await migrate({});
    console.log(`migration (a): bytesRead=${counts.bytesRead} bytesWritten=${counts.bytesWritten}`);
    expect(counts.bytesWritten).toBeLessThan(4 * 1024);
    expect(counts.bytesRead).toBeLessThan(4 * 1024);
    expect(counting.count("copy")).toBeGreaterThan(20);
    expect(stats.serverSideCopies).toBe(FILES.length);
    const expected = FILES.flatMap(([r, size]) => formatBNames(`new/${r}`, size)).sort();
    expect(await storedNames(counting, "new")).toEqual(expected);
  });

  it("(b) same chunk size, other hash: the data is read once to hash it, never written", async () => {
    const { counting, counts, neu } = await migrate({ hash_type: "sha1" });
    console.log(`migration (b): bytesRead=${counts.bytesRead} bytesWritten=${counts.bytesWritten}`);
    expect(counts.bytesWritten).toBeLessThan(4 * 1024);
    expect(counts.bytesRead).toBeGreaterThanOrEqual(20 * MiB);
    expect(counts.bytesRead).toBeLessThan(21 * MiB);
    const expected = FILES.flatMap(([r, size]) => formatBNames(`new/${r}`, size)).sort();
    expect(await storedNames(counting, "new")).toEqual(expected);
    expect(await (await neu.newObject("big.bin")).hash("sha1")).toMatch(/^[0-9a-f]{40}$/);
  });

  it("(c) other chunk size: streams, and the result is clean", async () => {
    const { counting, counts } = await migrate({ chunk_size: MiB / 2 });
    console.log(`migration (c): bytesRead=${counts.bytesRead} bytesWritten=${counts.bytesWritten}`);
    expect(counts.bytesRead).toBeGreaterThanOrEqual(TOTAL);
    expect(counts.bytesWritten).toBeGreaterThanOrEqual(TOTAL);
    const expected = FILES.flatMap(([r, size]) => formatBNames(`new/${r}`, size, MiB / 2)).sort();
    expect(await storedNames(counting, "new")).toEqual(expected);
  });

  describe("other layouts, 1000-byte chunks", () => {
    const SMALL: [string, number][] = [
      ["a.bin", 2500],
      ["d/b.bin", 1000],
      ["d/c.txt", 10],
      ["meta.json", 31],
      ["empty", 0],
    ];
    const K = { chunk_size: 1000 };
    async function run(mode: "sync" | "move", target: Partial<ChunkerOptions>, source: Partial<ChunkerOptions> = {}) {
      const s = setup({ ...K, ...target }, { ...K, ...source });
      for (const [remote, size] of SMALL) {
        // A JSON lookalike, so both sides must keep it as chunk + metadata.
        const data = remote === "meta.json" ? Buffer.from('{"ver":1,"size":5,"nchunks":1}') : randomBytes(size);
        await s.old.put(fromBytes(data), { remote, size: data.length, modTime: T0 });
      }
      const before = await fingerprint(s.old);
      s.counting.reset();
      const stats = new Stats();
      await runSync(mode, s.old, s.neu, { stats });
      expect(stats.errors).toBe(0);
      expect(stats.serverSideMoves + stats.serverSideCopies).toBe(SMALL.length);
      const written = s.counting.bytesWritten;
      const read = s.counting.bytesRead;
      expect((await fingerprint(s.neu)).files).toEqual(before.files);
      if (mode === "move") expect((await fingerprint(s.old)).files.size).toBe(0);
      return { ...s, written, read, names: await storedNames(s.counting, "new") };
    }

    it("move into transactions=norename: chunks get a new txn, metadata v2 records it", async () => {
      const { names, written, counting } = await run("move", { transactions: "norename" });
      expect(written).toBeLessThan(1024);
      expect(names.filter((n) => n.startsWith("new/a.bin.part"))).toHaveLength(3);
      expect(names.every((n) => !n.includes(".part") || /\.part0[0-2]_[0-9a-z]{6}$/.test(n))).toBe(true);
      const meta = JSON.parse(
        Buffer.from(await (await counting.newObject("new/a.bin")).open().then(toBytes)).toString(),
      );
      expect(meta).toMatchObject({ ver: 2, size: 2500, nchunks: 3 });
      expect(await storedNames(counting, "old")).toEqual([]);
    });

    it("same names, other hash: server-side too (rclone would stream), the data is read once", async () => {
      const { names, written, read, neu } = await run("sync", {
        name_format: FORMAT_A.name_format,
        start_from: FORMAT_A.start_from,
        hash_type: "sha1",
      });
      expect(written).toBeLessThan(1024);
      expect(read).toBeGreaterThanOrEqual(2500);
      expect(read).toBeLessThan(2500 + 1024);
      expect(names.filter((n) => n.startsWith("new/a.bin"))).toEqual([
        "new/a.bin",
        "new/a.bin.rclone_chunk.001",
        "new/a.bin.rclone_chunk.002",
        "new/a.bin.rclone_chunk.003",
      ]);
      expect(await (await neu.newObject("a.bin")).hash("sha1")).toMatch(/^[0-9a-f]{40}$/);
    });

    it("into meta_format=none: every file is chunks, no metadata is written", async () => {
      const { names, written } = await run("sync", { meta_format: "none", hash_type: "none" });
      expect(written).toBe(0);
      expect(names).toEqual(
        [
          "new/a.bin.part00",
          "new/a.bin.part01",
          "new/a.bin.part02",
          "new/d/b.bin.part00",
          "new/d/c.txt.part00",
          "new/empty.part00",
          "new/meta.json.part00",
        ].sort(),
      );
    });

    it("from meta_format=none: the hash is computed by reading the chunks, small files become plain", async () => {
      const { names, written, read, neu } = await run("sync", {}, { meta_format: "none", hash_type: "none" });
      expect(written).toBeLessThan(1024);
      expect(read).toBeGreaterThanOrEqual(2500);
      // a.bin once for its md5, plus the heads of one-chunk files up to 1023 bytes (the metadata lookalike check).
      expect(read).toBeLessThan(2500 + 1000 + 10 + 31 + 100);
      expect(names).toEqual(
        [
          "new/a.bin",
          "new/a.bin.part00",
          "new/a.bin.part01",
          "new/a.bin.part02",
          "new/d/b.bin",
          "new/d/c.txt",
          "new/empty",
          "new/meta.json",
          "new/meta.json.part00",
        ].sort(),
      );
      expect(await (await neu.newObject("a.bin")).hash("md5")).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  it("streams chunks left by an earlier chunk_size, even when the option now matches", async () => {
    const { counting, old, neu } = setup({ chunk_size: 1000 }, { chunk_size: 1000 });
    const earlier = new ChunkerFs(":chunker", "old", old.inner, { ...FORMAT_A, chunk_size: 500 });
    const data = randomBytes(2500);
    await earlier.put(fromBytes(data), { remote: "x.bin", size: data.length, modTime: T0 });
    counting.reset();
    const stats = new Stats();
    await runSync("sync", old, neu, { stats });
    expect(stats.errors).toBe(0);
    expect(stats.serverSideCopies).toBe(0);
    expect(counting.bytesWritten).toBeGreaterThanOrEqual(2500);
    expect((await fingerprint(neu)).files).toEqual((await fingerprint(old)).files);
    expect(await storedNames(counting, "new")).toEqual([
      "new/x.bin",
      "new/x.bin.part00",
      "new/x.bin.part01",
      "new/x.bin.part02",
    ]);
  });

  it("works between remotes opened by newFs, as the CLI opens them", async () => {
    const ctx = createContext();
    const mem = `:memory:migration-cli-${process.pid}`;
    const old = await newFs(`:chunker,remote=${quoteValue(mem)},chunk_size=1000b:old`, ctx);
    const neu = await newFs(
      `:chunker,remote=${quoteValue(mem)},chunk_size=1000b,name_format=*.part##,start_from=0:new`,
      ctx,
    );
    const data = randomBytes(2500);
    await old.put(fromBytes(data), { remote: "x.bin", size: data.length, modTime: T0 });
    const stats = new Stats();
    await runSync("sync", old, neu, { stats });
    expect(stats.errors).toBe(0);
    expect(stats.serverSideCopies).toBe(1);
    expect((await fingerprint(neu)).files).toEqual((await fingerprint(old)).files);
    const stored = (await (await newFs(`${mem}/new`, ctx)).list("")).map((e) => e.remote).sort();
    expect(stored).toEqual(["x.bin", "x.bin.part00", "x.bin.part01", "x.bin.part02"]);
  });
});
