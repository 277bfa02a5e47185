/** The operations behind the commands, in process: formatting, parsing, ranged reads, hash support. */
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { FsError, isFsError } from "../../src/fs/errors.js";
import type { HashType } from "../../src/fs/hashes.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { LayerFs, type OpKind } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { cat, catRange } from "../../src/fs/operations/cat.js";
import { byteUnit, countSuffix, goFixed, sizeField } from "../../src/fs/operations/format.js";
import { hashLines, hashSum, hashWidth, hexToBase64, parseHashType } from "../../src/fs/operations/hashsum.js";
import { csvRecord, lsf } from "../../src/fs/operations/lsf.js";
import { countObjects } from "../../src/fs/operations/size.js";
import { parseTouchTime, touch } from "../../src/fs/operations/touch.js";
import { buildTree, naturalLess, renderTree, treeUnits } from "../../src/fs/operations/tree.js";
import type { Fs, OpenOptions } from "../../src/fs/types.js";

async function memoryFs(files: Record<string, string | Uint8Array>): Promise<Fs> {
  const fs = await newFs(`:memory:ops-${Math.random().toString(36).slice(2)}`, createContext());
  for (const [remote, content] of Object.entries(files)) {
    const data = typeof content === "string" ? new TextEncoder().encode(content) : content;
    await fs.put(fromBytes(data), { remote, size: data.length, modTime: new Date("2021-03-04T05:06:07Z") });
  }
  return fs;
}

/** A remote that supports no hash types, as crypt. */
class NoHashFs extends LayerFs {
  override get hashes(): ReadonlySet<HashType> {
    return new Set();
  }
  protected override call<T>(kind: OpKind, remote: string, run: () => Promise<T>): Promise<T> {
    if (kind === "hash")
      return Promise.reject(new FsError("NotImplemented", "hash type not supported", { path: remote }));
    return run();
  }
}

/** Records the ranges objects are opened with. */
class RangeSpy extends CountingFs {
  readonly ranges: OpenOptions[] = [];
  protected override wrapRead(remote: string, body: AsyncIterable<Uint8Array>, options?: OpenOptions) {
    this.ranges.push({ offset: options?.offset, length: options?.length });
    return super.wrapRead(remote, body);
  }
}

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

describe("format", () => {
  it("rounds ties to even as Go", () => {
    expect(goFixed(1.0625, 3)).toBe("1.062");
    expect(goFixed(1.0635, 3)).toBe(Number(1.0635).toFixed(60).startsWith("1.0634") ? "1.063" : "1.064");
    expect(goFixed(1.25, 1)).toBe("1.2");
    expect(goFixed(2.5, 0)).toBe("2");
    expect(goFixed(1.5, 0)).toBe("2");
    expect(goFixed(0.0005, 3)).toBe("0.001");
  });
  it("prints sizes and counts as rclone", () => {
    expect(byteUnit(0)).toBe("0 B");
    expect(byteUnit(5)).toBe("5 B");
    expect(byteUnit(1536)).toBe("1.500 KiB");
    expect(byteUnit(1548)).toBe("1.512 KiB");
    expect(byteUnit(270553174016)).toBe("251.972 GiB");
    expect(countSuffix(4)).toBe("4");
    expect(countSuffix(1234)).toBe("1.234k");
    expect(countSuffix(2_000_000)).toBe("2M");
    expect(sizeField(-1, false, 12)).toBe("          -1");
    expect(sizeField(-1, true, 12)).toBe("       -1");
  });
  it("prints tree(1)'s short sizes", () => {
    expect(treeUnits(1024)).toBe("1024");
    expect(treeUnits(1536)).toBe("1.5K");
    expect(treeUnits(20 * 1024 * 1024)).toBe("20M");
  });
});

describe("parsing", () => {
  it("parses hash names as rclone", () => {
    expect(parseHashType("MD5")).toBe("md5");
    expect(parseHashType("SHA-1")).toBe("sha1");
    expect(parseHashType("Sha256")).toBe("sha256");
    expect(() => parseHashType("sha-1")).toThrow(/unknown hash type "sha-1"/);
    expect(hashWidth("md5", true)).toBe(24);
    expect(hexToBase64("5d41402abc4b2a76b9719d911017c592")).toBe("XUFAKrxLKna5cZ2REBfFkg==");
  });
  it("parses touch timestamps as rclone", () => {
    expect(parseTouchTime("060102").toISOString()).toBe("2006-01-02T00:00:00.000Z");
    expect(parseTouchTime("700101").toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(parseTouchTime("2006-01-02T15:04:05").toISOString()).toBe("2006-01-02T15:04:05.000Z");
    expect(parseTouchTime("2006-01-02T15:04:05.999999999").toISOString()).toBe("2006-01-02T15:04:05.999Z");
    expect(parseTouchTime("2006-01-02").toISOString()).toBe("2006-01-02T00:00:00.000Z");
    for (const bad of ["", "bad", "2006-13-02", "2021-02-29", "2006-01-02T24:00:00", "2006-01-02 15:04:05"]) {
      expect(() => parseTouchTime(bad), bad).toThrow(/failed to parse timestamp argument/);
    }
  });
  it("resolves cat's flags as rclone", () => {
    expect(catRange({ head: 3 })).toEqual({ offset: 0, count: 3 });
    expect(catRange({ tail: 3 })).toEqual({ offset: -3, count: -1 });
    expect(catRange({ offset: 2, count: 1 })).toEqual({ offset: 2, count: 1 });
    expect(() => catRange({ head: 1, count: 2 })).toThrow(/Can only use one of/);
  });
  it("quotes CSV as Go", () => {
    expect(csvRecord(["a,b", 'x"y', " s", "", "plain"])).toBe('"a,b","x""y"," s",,plain');
    expect(csvRecord(["a;b", "c"], ";")).toBe('"a;b";c');
  });
  it("orders names naturally for --version", () => {
    expect(naturalLess("v9", "v10")).toBe(true);
    expect(naturalLess("v10", "v9")).toBe(false);
    expect(naturalLess("a2", "a02")).toBe(true);
  });
});

describe("cat", () => {
  it("opens only the bytes it sends", async () => {
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    const spy = new RangeSpy(await memoryFs({ big: big, small: "hello" }));
    const tail = await toBytes(cat({ fs: spy }, { offset: -10, count: -1 }));
    expect(tail.length).toBe(10 + 5);
    expect(spy.bytesRead).toBe(15);
    expect(spy.ranges).toEqual([
      { offset: (1 << 20) - 10, length: undefined },
      { offset: 0, length: undefined },
    ]);
    spy.reset();
    const middle = await toBytes(cat({ fs: spy }, { offset: 100, count: 3 }));
    expect([...middle]).toEqual([100, 101, 102]);
    expect(spy.bytesRead).toBe(3);
  });
});

describe("hashes a remote does not support", () => {
  it("fail each file and the run without --download, and work with it", async () => {
    const fs = new NoHashFs(await memoryFs({ "a.txt": "hello", "b.txt": "" }));
    const o = await fs.newObject("a.txt");
    const err = await hashSum(o, "md5").catch((e: unknown) => e);
    expect(isFsError(err, "NotImplemented")).toBe(true);
    expect((err as Error).message).toBe("hash unsupported: hash type not supported");
    expect(await hashSum(o, "md5", { download: true })).toBe("5d41402abc4b2a76b9719d911017c592");
    const lines: string[] = [];
    const failed = await (async () => {
      for await (const l of hashLines({ fs }, "md5")) lines.push(l);
    })().catch((e: unknown) => e);
    expect(lines).toEqual([]);
    expect(isFsError(failed, "NotImplemented")).toBe(true);
    expect(await collect(hashLines({ fs }, "md5", { download: true }))).toEqual([
      "5d41402abc4b2a76b9719d911017c592  a.txt",
      "d41d8cd98f00b204e9800998ecf8427e  b.txt",
    ]);
  });
  it("print empty in lsf without failing", async () => {
    const fs = new NoHashFs(await memoryFs({ "a.txt": "hello" }));
    expect(await collect(lsf({ fs }, { format: "ph" }))).toEqual(["a.txt;"]);
  });
});

describe("listing operations", () => {
  it("count objects and draw trees", async () => {
    const fs = await memoryFs({ "x/1": "a", "x/2": "bb", "y/z/3": "ccc" });
    expect(await countObjects({ fs })).toEqual({ count: 3, bytes: 6, sizeless: 0 });
    expect(await countObjects({ fs }, { maxDepth: 2 })).toEqual({ count: 2, bytes: 3, sizeless: 0 });
    const lines = renderTree(await buildTree({ fs }), { size: true });
    expect(lines.at(-1)).toBe("3 directories, 3 files");
    expect(lines[0]).toBe("[          6]  /");
  });
  it("touch creates, sets and skips as asked", async () => {
    const fs = await memoryFs({ "d/f": "x" });
    const t = new Date("2001-02-03T04:05:06Z");
    await touch(fs, "new", { time: t });
    expect((await fs.newObject("new")).modTime.toISOString()).toBe(t.toISOString());
    await touch(fs, "d", { time: t });
    expect((await fs.newObject("d/f")).modTime.toISOString()).toBe(t.toISOString());
    await touch(fs, "none", { noCreate: true });
    await touch(fs, "dry", { dryRun: true });
    await expect(fs.newObject("none")).rejects.toMatchObject({ code: "ObjectNotFound" });
    await expect(fs.newObject("dry")).rejects.toMatchObject({ code: "ObjectNotFound" });
  });
});
