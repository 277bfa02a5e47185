/**
 * Behaviour of the chunker overlay beyond the conformance suite: options, odd layouts left by others,
 * streaming, overwrites, server-side copy/move, transactions and the metadata rules of the spec.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryFs } from "../../src/backends/memory/fs.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { hashBytes } from "../../src/fs/hashes.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import type { LayerFs, OpKind } from "../../src/fs/layers/layer.js";
import { formatLogLine, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, Fs, FsObject, ObjectInfo, PutOptions } from "../../src/fs/types.js";
import { ChunkerFs } from "../../src/overlays/chunker/fs.js";
import { type ChunkerOptions, checkChunkerOptions } from "../../src/overlays/chunker/index.js";
import { FIXTURES, removeTemps, tempDir } from "./fixtures.js";
import { chunkerOptions } from "./options.js";

afterAll(removeTemps);

const T0 = new Date(Date.UTC(2022, 9, 21, 12, 34, 56));
const DEFAULTS = chunkerOptions();

/** Records every wrapped operation with its path, and the declared size of every put. */
class RecordingFs extends CountingFs {
  readonly calls: [OpKind, string][] = [];
  readonly putSizes: number[] = [];
  /** Bytes the test's source had produced when each wrapped put started. */
  readonly pulledAtPut: number[] = [];
  pulled = 0;
  protected override call<T>(kind: OpKind, remote: string, run: () => Promise<T>): Promise<T> {
    this.calls.push([kind, remote]);
    return super.call(kind, remote, run);
  }
  override put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    this.putSizes.push(src.size);
    this.pulledAtPut.push(this.pulled);
    return super.put(body, src, options);
  }
  override putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    this.putSizes.push(src.size);
    this.pulledAtPut.push(this.pulled);
    return super.putStream(body, src, options);
  }
}

let seq = 0;
function stack(options: Partial<ChunkerOptions> = {}) {
  const base = new RecordingFs(new MemoryFs(":memory", `chunker-test-${process.pid}-${seq++}`));
  const fs = new ChunkerFs(":chunker", "", base, { ...DEFAULTS, ...options });
  return { base, fs };
}

/** Names in a wrapped directory, sorted. */
async function stored(base: Fs, dir = ""): Promise<string[]> {
  return (await base.list(dir)).map((e) => e.remote).sort();
}

function put(fs: Fs, remote: string, data: Uint8Array, size = data.length, part = 333): Promise<FsObject> {
  return fs.put(fromBytes(data, part), { remote, size, modTime: T0 });
}

/** Writes an object straight to the wrapped remote (a layout someone else left). */
function raw(base: Fs, remote: string, data: Uint8Array | string): Promise<FsObject> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  return base.put(fromBytes(bytes), { remote, size: bytes.length, modTime: T0 });
}

const read = async (o: FsObject, range?: { offset?: number; length?: number }) => toBytes(await o.open(range));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => "resolved",
    (e: unknown) => (isFsError(e) ? e.code : String(e)),
  );
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

const logs: string[] = [];
beforeEach(() => {
  logs.length = 0;
  setLogSink((entry) => logs.push(formatLogLine(entry)));
});

describe("options", () => {
  const invalid = JSON.parse(readFileSync(join(FIXTURES, "invalid-configs.json"), "utf8")) as {
    configs: { stack: { type: string; options: Record<string, string> }[]; connection_string_template: string }[];
  };
  const cases = invalid.configs.filter((c) => c.stack[0]?.type === "chunker");

  it.each(cases.map((c) => [c.connection_string_template, c] as const))(
    "refuses %s naming the option",
    async (_, c) => {
      const spec = c.connection_string_template.replace("{stored}", quoteValue(tempDir()));
      const err = await newFs(spec, createContext()).catch((e: unknown) => e);
      expect(isFsError(err, "ConfigInvalid"), String(err)).toBe(true);
      const given = Object.entries(c.stack[0]?.options ?? {}).filter(([k, v]) => k !== "chunk_size" || v === "0");
      expect(
        given.some(([k]) => String(err).includes(`"${k}"`)),
        String(err),
      ).toBe(true);
    },
  );

  it("refuses a negative chunk_size and start_from, and norename or hashes without metadata", () => {
    const bad: [Partial<ChunkerOptions>, string][] = [
      [{ chunk_size: -1 }, "chunk_size"],
      [{ start_from: -1 }, "start_from"],
      [{ meta_format: "none", hash_type: "sha1all" }, "hash_type"],
      [{ meta_format: "none", hash_type: "none", transactions: "norename" }, "transactions"],
    ];
    for (const [o, key] of bad) expect(() => checkChunkerOptions({ ...DEFAULTS, ...o })).toThrow(`"${key}"`);
  });

  it("has rclone's defaults", async () => {
    const dir = tempDir();
    const fs = (await newFs(`:chunker,remote=${quoteValue(dir)}:`, createContext())) as LayerFs;
    expect((fs.inner as ChunkerFs).options).toEqual({ ...DEFAULTS, chunk_size: 2 ** 31, remote: dir });
  });

  it("refuses a wrapped remote with neither server-side move nor copy", async () => {
    const ctx = createContext(undefined, {}, {}, ["move", "copy"]);
    const err = await newFs(`:chunker,remote=${quoteValue(tempDir())}:`, ctx).catch((e: unknown) => e);
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    expect(String(err)).toContain('"remote"');
  });
});

describe("writing", () => {
  it("streams chunk by chunk: each wrapped put declares its chunk's size and starts before the next chunk is read", async () => {
    const { base, fs } = stack();
    const data = bytes(4321);
    async function* source(): Body {
      for (let i = 0; i < data.length; i += 100) {
        base.pulled = Math.min(i + 100, data.length);
        yield data.slice(i, i + 100);
      }
    }
    const o = await fs.put(source(), { remote: "d/big.bin", size: data.length, modTime: T0 });
    expect(o.size).toBe(4321);
    // Five chunk puts (declared sizes), then the metadata object: first naming the txn (the commit's
    // switch), then as rclone stores it once the chunks have their final names.
    expect(base.putSizes).toEqual([1000, 1000, 1000, 1000, 321, 89, 74]);
    for (const [k, pulled] of base.pulledAtPut.slice(0, 5).entries())
      expect(pulled).toBeLessThanOrEqual(k * 1000 + 100);
    expect(await stored(base, "d")).toEqual([
      "d/big.bin",
      "d/big.bin.rclone_chunk.001",
      "d/big.bin.rclone_chunk.002",
      "d/big.bin.rclone_chunk.003",
      "d/big.bin.rclone_chunk.004",
      "d/big.bin.rclone_chunk.005",
    ]);
    const meta = new TextDecoder().decode(await read(await base.newObject("d/big.bin")));
    expect(meta).toBe(`{"ver":1,"size":4321,"nchunks":5,"md5":"${hashBytes("md5", data)}"}`);
    expect(await o.hash("md5")).toBe(hashBytes("md5", data));
    expect(await (await fs.newObject("d/big.bin")).hash("md5")).toBe(hashBytes("md5", data));
  });

  it("writes every chunk under a temporary name first and renames when the file is complete", async () => {
    const { base, fs } = stack();
    await put(fs, "f.bin", bytes(2500));
    const puts = base.calls.filter(([k]) => k === "put").map(([, r]) => r);
    expect(puts.slice(0, 3)).toEqual(
      [1, 2, 3].map((i) => expect.stringMatching(new RegExp(`^f\\.bin\\.rclone_chunk\\.00${i}_[0-9a-z]{6}$`))),
    );
    const moves = base.calls.filter(([k]) => k === "move").map(([, r]) => r);
    expect(moves).toEqual(["f.bin.rclone_chunk.001", "f.bin.rclone_chunk.002", "f.bin.rclone_chunk.003"]);
    // The metadata is written last.
    expect(base.calls.filter(([k]) => k === "put").at(-1)).toEqual(["put", "f.bin"]);
  });

  it("small files pass through: temporary chunk, then renamed to the plain name", async () => {
    const { base, fs } = stack();
    const o = await put(fs, "s.txt", bytes(1000));
    expect(await stored(base)).toEqual(["s.txt"]);
    expect(await o.hash("md5")).toBe(hashBytes("md5", bytes(1000)));
    expect(base.calls.filter(([k]) => k === "move")).toEqual([["move", "s.txt"]]);
  });

  it("a small file whose content looks like metadata gets a chunk and real metadata", async () => {
    const { base, fs } = stack();
    const fake = new TextEncoder().encode('{"ver":1,"size":5,"nchunks":1}');
    await put(fs, "fake.json", fake);
    expect(await stored(base)).toEqual(["fake.json", "fake.json.rclone_chunk.001"]);
    expect(Buffer.from(await read(await fs.newObject("fake.json")))).toEqual(Buffer.from(fake));
    // Streamed (size unknown), the head is not checked: stored plain, as rclone does.
    await fs.putStream(fromBytes(fake), { remote: "streamed.json", size: -1, modTime: T0 });
    expect(await stored(base)).toContain("streamed.json");
    expect(await stored(base)).not.toContain("streamed.json.rclone_chunk.001");
  });

  it("hash-all: over a remote without the hash, every file (even empty) gets a chunk and metadata", async () => {
    const inner = new MemoryFs(":memory", `chunker-test-${process.pid}-${seq++}`);
    (inner as { hashes: ReadonlySet<string> }).hashes = new Set(["md5"]);
    const fs = new ChunkerFs(":chunker", "", inner, { ...DEFAULTS, hash_type: "sha1all" });
    expect([...fs.hashes]).toEqual(["sha1"]);
    const o = await put(fs, "e", new Uint8Array(0));
    expect(await stored(inner)).toEqual(["e", "e.rclone_chunk.001"]);
    expect(new TextDecoder().decode(await read(await inner.newObject("e")))).toBe(
      '{"ver":1,"size":0,"nchunks":1,"sha1":"da39a3ee5e6b4b0d3255bfef95601890afd80709"}',
    );
    expect(await o.hash("sha1")).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    // md5all over a remote with fast md5 acts like md5.
    const fast = new ChunkerFs(":chunker", "", inner, { ...DEFAULTS, hash_type: "md5all" });
    expect(fast.hashAll).toBe(false);
  });

  it("unknown size: uses the wrapped putStream, and writes no empty chunk at an exact multiple", async () => {
    const { base, fs } = stack();
    const data = bytes(3000);
    const o = await fs.putStream(fromBytes(data, 700), { remote: "s.bin", size: -1, modTime: T0 });
    expect(o.size).toBe(3000);
    expect(base.putSizes.slice(0, 3)).toEqual([-1, -1, -1]);
    expect(await stored(base)).toEqual([
      "s.bin",
      "s.bin.rclone_chunk.001",
      "s.bin.rclone_chunk.002",
      "s.bin.rclone_chunk.003",
    ]);
    expect(Buffer.from(await read(await fs.newObject("s.bin")))).toEqual(Buffer.from(data));
  });

  it("overwriting with fewer chunks removes the extra old chunks (rename)", async () => {
    const { base, fs } = stack();
    await put(fs, "o.bin", bytes(5500));
    await put(fs, "o.bin", bytes(1500, 7));
    expect(await stored(base)).toEqual(["o.bin", "o.bin.rclone_chunk.001", "o.bin.rclone_chunk.002"]);
    expect(Buffer.from(await read(await fs.newObject("o.bin")))).toEqual(Buffer.from(bytes(1500, 7)));
    await put(fs, "o.bin", bytes(10, 3));
    expect(await stored(base)).toEqual(["o.bin"]);
  });

  it("norename: chunks keep their txn, metadata v2 records it, an overwrite removes the old txn's chunks", async () => {
    const { base, fs } = stack({ transactions: "norename" });
    await put(fs, "n.bin", bytes(2500));
    const first = await stored(base);
    expect(first).toHaveLength(4);
    const meta = JSON.parse(new TextDecoder().decode(await read(await base.newObject("n.bin"))));
    expect(meta).toMatchObject({ ver: 2, size: 2500, nchunks: 3 });
    expect(first.slice(1)).toEqual([1, 2, 3].map((i) => `n.bin.rclone_chunk.00${i}_${meta.txn}`));
    expect(base.count("move")).toBe(0);
    await put(fs, "n.bin", bytes(1200, 9));
    const second = await stored(base);
    expect(second).toHaveLength(3);
    expect(second.filter((n) => n.endsWith(meta.txn))).toEqual([]);
    expect(Buffer.from(await read(await fs.newObject("n.bin")))).toEqual(Buffer.from(bytes(1200, 9)));
    // Small files still end up plain.
    await put(fs, "small", bytes(5));
    expect(await stored(base)).toContain("small");
  });

  it("transactions=auto is norename over a remote without move", () => {
    const inner = new MemoryFs(":memory", "x");
    const noMove = { ...inner, features: { ...inner.features, move: undefined } } as unknown as Fs;
    expect(new ChunkerFs(":chunker", "", noMove, { ...DEFAULTS, transactions: "auto" }).noRename).toBe(true);
    expect(new ChunkerFs(":chunker", "", inner, { ...DEFAULTS, transactions: "auto" }).noRename).toBe(false);
  });

  it("meta_format none: every file is chunks, even empty; a plain object of the same name is removed", async () => {
    const { base, fs } = stack({ meta_format: "none", hash_type: "none", name_format: "*.chunk#" });
    expect(fs.hashes.size).toBe(0);
    await raw(base, "e", "stale");
    await put(fs, "e", new Uint8Array(0));
    await put(fs, "m", bytes(2001));
    expect(await stored(base)).toEqual(["e.chunk1", "m.chunk1", "m.chunk2", "m.chunk3"]);
    const listed = await fs.list("");
    expect(listed.map((e) => [e.remote, e.kind === "file" ? e.size : -1]).sort()).toEqual([
      ["e", 0],
      ["m", 2001],
    ]);
    expect(Buffer.from(await read(await fs.newObject("m")))).toEqual(Buffer.from(bytes(2001)));
    await (await fs.newObject("m")).remove();
    expect(await stored(base)).toEqual(["e.chunk1"]);
  });

  it("a failed upload removes the temporary chunks it wrote", async () => {
    const { base, fs } = stack();
    async function* failing(): Body {
      yield bytes(2500);
      throw new Error("source died");
    }
    await expect(fs.put(failing(), { remote: "f.bin", size: 5000, modTime: T0 })).rejects.toThrow("source died");
    expect(await stored(base)).toEqual([]);
  });

  it("a name that parses as a chunk is stored with a notice, or refused with fail_hard", async () => {
    const { fs } = stack();
    await put(fs, "foo.rclone_chunk.001", bytes(3));
    expect(logs.join("\n")).toContain('chunk overlap with "foo"');
    const hard = stack({ fail_hard: true });
    expect(await codeOf(put(hard.fs, "foo.rclone_chunk.001", bytes(3)))).not.toBe("resolved");
  });

  it("quick hashes take the source's hash and advertise none", async () => {
    const { base, fs } = stack({ hash_type: "sha1quick" });
    expect(fs.hashes.size).toBe(0);
    const data = bytes(2100);
    await fs.put(fromBytes(data), {
      remote: "q",
      size: data.length,
      modTime: T0,
      hash: async (t) => (t === "md5" ? hashBytes("md5", data) : undefined),
    });
    const meta = JSON.parse(new TextDecoder().decode(await read(await base.newObject("q"))));
    expect(meta).toEqual({ ver: 1, size: 2100, nchunks: 3, md5: hashBytes("md5", data) });
  });
});

describe("reading", () => {
  it("a ranged read opens only the chunks the range touches", async () => {
    const { base, fs } = stack();
    const data = bytes(5500);
    await put(fs, "r.bin", data);
    const o = await fs.newObject("r.bin");
    base.reset();
    base.calls.length = 0;
    const got = await read(o, { offset: 1990, length: 20 });
    expect(Buffer.from(got)).toEqual(Buffer.from(data.subarray(1990, 2010)));
    // The metadata check, then chunks 2 and 3 only.
    expect(base.calls.filter(([k]) => k === "open").map(([, r]) => r)).toEqual([
      "r.bin",
      "r.bin.rclone_chunk.002",
      "r.bin.rclone_chunk.003",
    ]);
    expect(base.bytesRead).toBe(74 + 20);
  });

  it("hides orphans, gaps, temporary, control and legacy chunks; keeps non-matching names", async () => {
    const { base, fs } = stack();
    await put(fs, "big.bin", bytes(2500));
    await raw(base, "orph.bin.rclone_chunk.001", "x");
    await raw(base, "gap.bin", '{"ver":1,"size":2,"nchunks":2}');
    await raw(base, "gap.bin.rclone_chunk.001", "a");
    await raw(base, "gap.bin.rclone_chunk.003", "b");
    await raw(base, "small.txt", "hello");
    await raw(base, "small.txt.rclone_chunk.001_abcd12", "t");
    await raw(base, "small.txt.rclone_chunk._ctrl", "c");
    await raw(base, "small.txt.rclone_chunk.001..tmp_1234567890", "l");
    await raw(base, "notes.rclone_chunk.txt", "n");
    await raw(base, "dup.bin", '{"ver":1,"size":2,"nchunks":2}');
    await raw(base, "dup.bin.rclone_chunk.001", "a");
    await raw(base, "dup.bin.rclone_chunk.0001", "a");
    const listed = (await fs.list("")).map((e) => [e.remote, e.kind === "file" ? e.size : -1]).sort();
    expect(listed).toEqual([
      ["big.bin", 2500],
      ["notes.rclone_chunk.txt", 1],
      ["small.txt", 5],
    ]);
    expect(logs.join("\n")).toContain("gap.bin: invalid chunks in object");
    expect(logs.join("\n")).toContain("dup.bin: invalid chunks in object");
    // The small file next to hidden chunks reads as itself.
    expect(new TextDecoder().decode(await read(await fs.newObject("small.txt")))).toBe("hello");
    expect(await codeOf(fs.newObject("orph.bin"))).toBe("ObjectNotFound");
    expect(await codeOf(fs.newObject("big.bin.rclone_chunk.001"))).toBe("ObjectNotFound");
  });

  it("fail_hard turns bad entries into errors", async () => {
    const { base, fs } = stack({ fail_hard: true });
    await raw(base, "gap.bin", '{"ver":1,"size":2,"nchunks":2}');
    await raw(base, "gap.bin.rclone_chunk.002", "b");
    expect(await codeOf(fs.list(""))).toBe("Corrupt");
  });

  it("a big plain file with a stray chunk is dropped from listings but found by newObject", async () => {
    const { base, fs } = stack();
    await raw(base, "x", bytes(2000));
    await raw(base, "x.rclone_chunk.001", "s");
    expect(await fs.list("")).toEqual([]);
    expect((await fs.newObject("x")).size).toBe(2000);
  });

  it("a small plain file with stray active chunks fails to open (invalid metadata)", async () => {
    const { base, fs } = stack();
    await raw(base, "x", "not metadata");
    await raw(base, "x.rclone_chunk.001", "s");
    const o = await fs.newObject("x");
    expect(await codeOf(o.open())).toBe("Corrupt");
  });

  it("metadata that disagrees with the chunks, or is from a newer version, is refused", async () => {
    const { base, fs } = stack();
    await raw(base, "m", '{"ver":1,"size":9,"nchunks":1}');
    await raw(base, "m.rclone_chunk.001", "abc");
    expect(await codeOf((await fs.newObject("m")).open())).toBe("Corrupt");
    await raw(base, "v", '{"ver":3,"size":3,"nchunks":1}');
    await raw(base, "v.rclone_chunk.001", "abc");
    expect(await codeOf((await fs.newObject("v")).open())).toBe("NotImplemented");
    // Delete is still allowed.
    await (await fs.newObject("v")).remove();
    expect(await stored(base)).toEqual(["m", "m.rclone_chunk.001"]);
  });

  it("setModTime touches only the metadata object", async () => {
    const { base, fs } = stack();
    await put(fs, "t.bin", bytes(2500));
    const t1 = new Date(Date.UTC(2020, 0, 1));
    await (await fs.newObject("t.bin")).setModTime(t1);
    expect((await fs.newObject("t.bin")).modTime).toEqual(t1);
    expect((await base.newObject("t.bin.rclone_chunk.001")).modTime).toEqual(T0);
  });

  it("a file next to a directory of the same name is dropped", async () => {
    const { base, fs } = stack();
    await raw(base, "d.rclone_chunk.001", "x");
    await base.mkdir("d");
    await raw(base, "d/inner", "i");
    const hard = new ChunkerFs(":chunker", "", base, { ...DEFAULTS, meta_format: "none", hash_type: "none" });
    expect((await hard.list("")).map((e) => [e.remote, e.kind])).toEqual([["d", "dir"]]);
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["d"]);
  });
});

describe("server-side copy and move", () => {
  it("copies a composite chunk by chunk with the wrapped copy and rewrites the metadata", async () => {
    const { base, fs } = stack();
    const data = bytes(2500);
    const src = await put(fs, "a/src.bin", data);
    base.reset();
    const dst = await (fs.features.copy as NonNullable<Fs["features"]["copy"]>)(src, "b/dst.bin");
    expect(base.count("copy")).toBe(3);
    // No content passes through: only the metadata is written (with the txn, then without).
    expect(base.bytesRead).toBe(0);
    expect(base.bytesWritten).toBe(89 + 74);
    expect(dst.size).toBe(2500);
    expect(await stored(base, "b")).toEqual([
      "b/dst.bin",
      "b/dst.bin.rclone_chunk.001",
      "b/dst.bin.rclone_chunk.002",
      "b/dst.bin.rclone_chunk.003",
    ]);
    expect(Buffer.from(await read(await fs.newObject("b/dst.bin")))).toEqual(Buffer.from(data));
    expect(await (await fs.newObject("b/dst.bin")).hash("md5")).toBe(hashBytes("md5", data));
  });

  it("moves a composite onto a bigger one, removing the destination's extra chunks", async () => {
    const { base, fs } = stack();
    const data = bytes(1500);
    const src = await put(fs, "src.bin", data);
    await put(fs, "dst.bin", bytes(4500));
    await (fs.features.move as NonNullable<Fs["features"]["move"]>)(src, "dst.bin");
    expect(await stored(base)).toEqual(["dst.bin", "dst.bin.rclone_chunk.001", "dst.bin.rclone_chunk.002"]);
    expect(Buffer.from(await read(await fs.newObject("dst.bin")))).toEqual(Buffer.from(data));
  });

  it("refuses objects of another format, so operations stream instead", async () => {
    const a = stack();
    const b = stack({ chunk_size: 500 });
    const src = await put(a.fs, "x", bytes(1200));
    expect(await codeOf((b.fs.features.copy as NonNullable<Fs["features"]["copy"]>)(src, "y"))).toBe("CantCopy");
    expect(await codeOf((b.fs.features.move as NonNullable<Fs["features"]["move"]>)(src, "y"))).toBe("CantMove");
  });

  it("is masked away when the wrapped remote lacks it", () => {
    const inner = new MemoryFs(":memory", "y");
    const noCopy = { ...inner, features: { ...inner.features, copy: undefined, purge: undefined } } as unknown as Fs;
    const fs = new ChunkerFs(":chunker", "", noCopy, DEFAULTS);
    expect(fs.features.copy).toBeUndefined();
    expect(fs.features.purge).toBeUndefined();
    // A move is a copy and a removal once the copy is committed, so it needs the wrapped copy too.
    expect(fs.features.move).toBeUndefined();
  });
});
