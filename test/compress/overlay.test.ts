/**
 * The compress overlay's own behaviour: options, what lands on the wrapped remote for writes,
 * overwrites and uploads of unknown size (with and without a wrapped move), a failed metadata write,
 * server-side copy/move (data, then metadata), remove and purge.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, Fs } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import type { CompressOptions } from "../../src/overlays/compress/index.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { compressibleText, seededBytes } from "./tree.js";

const MiB = 1 << 20;
const MTIME = new Date("2023-03-03T03:03:03Z");
let n = 0;
const memory = () => newFs(`:memory:compress-${n++}`, createContext());
const options = (o: Partial<CompressOptions> = {}): CompressOptions => ({
  remote: "x",
  mode: "gzip",
  level: -1,
  ram_cache_limit: 20 * MiB,
  ...o,
});
const names = async (fs: Fs, dir = "") => (await fs.list(dir)).map((e) => e.remote).sort();
const put = (fs: Fs, remote: string, data: Uint8Array, size: number = data.length) =>
  fs.put(fromBytes(data, 65536), { remote, size, modTime: MTIME });
const read = async (fs: Fs, remote: string) => Buffer.from(await toBytes(await (await fs.newObject(remote)).open()));

/** A base without server-side move (and copy), as some remotes are. */
class NoMove extends CountingFs {
  constructor(inner: Fs) {
    super(inner, ["move", "copy"]);
  }
}

describe("compress options", () => {
  it.each([
    ["mode=lzma", "mode"],
    ["level=10", "level"],
    ["level=-3", "level"],
    ["mode=zstd,level=5", "level"],
    ["ram_cache_limit=-1", "ram_cache_limit"],
  ])("%s is refused with ConfigInvalid naming %s", async (opt, key) => {
    const err = await newFs(`:compress,remote=${quoteValue(":memory:x")},${opt}:`, createContext()).catch(
      (e: unknown) => e,
    );
    expect(isFsError(err, "ConfigInvalid"), String(err)).toBe(true);
    expect(String(err)).toContain(key);
  });
});

describe("compress writes", () => {
  const text = compressibleText("w", 2 * MiB + 5);
  const random = seededBytes("w-random", 3000);

  it("stores compressible data as .gz and the rest as .bin, each with NAME.json; MD5 from metadata", async () => {
    const base = await memory();
    const fs = new CompressFs(":compress", "", base, options());
    await put(fs, "t", text);
    await put(fs, "r", random);
    await put(fs, "e", new Uint8Array(0));
    expect(await names(base)).toEqual([
      "e.bin",
      "e.json",
      "r.bin",
      "r.json",
      `t.${encodeSize(text.length)}.gz`,
      "t.json",
    ]);
    const counting = new CountingFs(base);
    const again = new CompressFs(":compress", "", counting, options());
    const listed = await again.list("");
    expect(listed.map((e) => [e.remote, e.kind === "file" && e.size])).toEqual([
      ["e", 0],
      ["r", 3000],
      ["t", text.length],
    ]);
    expect(counting.count("open")).toBe(0);
    const t = listed.find((e) => e.remote === "t");
    expect(t?.kind === "file" && (await t.hash("md5"))).toBe(createHash("md5").update(text).digest("hex"));
    expect(counting.bytesRead).toBeLessThan(1000);
  });

  it("an overwrite with another size removes the old data object; one with the same size first moves the old one to its held name", async () => {
    const base = new CountingFs(await memory());
    const fs = new CompressFs(":compress", "", base, options());
    await put(fs, "f", text);
    await put(fs, "f", text.subarray(0, MiB));
    expect(await names(base)).toEqual([`f.${encodeSize(MiB)}.gz`, "f.json"]);
    base.reset();
    const other = compressibleText("w2", MiB);
    await put(fs, "f", other);
    expect(base.count("move")).toBe(1);
    expect(await names(base)).toEqual([`f.${encodeSize(MiB)}.gz`, "f.json"]);
    expect((await read(fs, "f")).equals(other)).toBe(true);
    await put(fs, "f", random);
    expect(await names(base)).toEqual(["f.bin", "f.json"]);
  });

  it("uploads of unknown size: temporary name then move, or spilled in memory or a temporary file without move", async () => {
    const unknown = (data: Uint8Array): Body => fromBytes(data, 100_000);
    for (const ram of [20 * MiB, 100_000]) {
      for (const noMove of [false, true]) {
        const inner = await memory();
        const base = noMove ? new NoMove(inner) : new CountingFs(inner);
        const fs = new CompressFs(":compress", "", base, options({ ram_cache_limit: ram }));
        await fs.features.putStream?.(unknown(text), { remote: "s", size: -1, modTime: MTIME });
        await fs.features.putStream?.(unknown(random), { remote: "r", size: -1, modTime: MTIME });
        expect(await names(inner)).toEqual(["r.bin", "r.json", `s.${encodeSize(text.length)}.gz`, "s.json"]);
        expect(base.count("move")).toBe(noMove ? 0 : 1);
        expect((await read(fs, "s")).equals(text)).toBe(true);
        expect((await read(fs, "r")).equals(random)).toBe(true);
      }
    }
  });

  it("a body that fails leaves the previous version; a failed metadata write removes the new data", async () => {
    const inner = await memory();
    const fault = new FaultFs(inner);
    const fs = new CompressFs(":compress", "", fault, options());
    await put(fs, "f", text);
    const before = await names(inner);
    async function* failing(): Body {
      yield text.subarray(0, MiB + 10);
      throw new Error("source broke");
    }
    await expect(fs.put(failing(), { remote: "f", size: text.length, modTime: MTIME })).rejects.toThrow("source broke");
    expect(await names(inner)).toEqual(before);
    fault.addRule({ ops: ["put"], path: /\.json$/, fail: "permanent", times: 1 });
    await expect(put(fs, "g", text)).rejects.toThrow();
    expect(await names(inner)).toEqual(before);
    expect((await read(fs, "f")).equals(text)).toBe(true);
  });

  it("checks the size it was promised", async () => {
    const fs = new CompressFs(":compress", "", await memory(), options());
    const err = await put(fs, "f", text, text.length + 1).catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt")).toBe(true);
    expect(isFsError(await fs.newObject("f").catch((e: unknown) => e), "ObjectNotFound")).toBe(true);
  });
});

describe("compress server-side operations", () => {
  const text = compressibleText("s", MiB + 77);

  it("copies and moves data then metadata with the wrapped remote's operations; remove and purge take both objects", async () => {
    const inner = await memory();
    const base = new CountingFs(inner);
    const fs = new CompressFs(":compress", "", base, options());
    await put(fs, "a", text);
    await put(fs, "dst", seededBytes("old", 500));
    base.reset();
    const a = await fs.newObject("a");
    const copied = await fs.features.copy?.(a, "dst");
    expect(copied?.size).toBe(text.length);
    expect(base.count("copy")).toBe(2);
    expect(base.bytesRead + base.bytesWritten).toBeLessThan(1000);
    const moved = await fs.features.move?.(await fs.newObject("dst"), "d/moved");
    expect(moved?.remote).toBe("d/moved");
    expect(await names(inner)).toEqual(["a.json", `a.${encodeSize(text.length)}.gz`, "d"].sort());
    expect(await names(inner, "d")).toEqual([`d/moved.${encodeSize(text.length)}.gz`, "d/moved.json"]);
    expect((await read(fs, "d/moved")).equals(text)).toBe(true);
    await (await fs.newObject("a")).remove();
    expect(await names(inner)).toEqual(["d"]);
    await fs.features.purge?.("d");
    expect(await names(inner)).toEqual([]);
  });

  it("refuses sources from elsewhere with CantCopy, so operations stream", async () => {
    const fs = new CompressFs(":compress", "", await memory(), options());
    const other = await memory();
    const o = await put(other, "x", text);
    const err = await fs.features.copy?.(o, "x").catch((e: unknown) => e);
    expect(isFsError(err, "CantCopy")).toBe(true);
  });
});
