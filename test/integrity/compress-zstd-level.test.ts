/**
 * zstd `level` takes effect: the same content written at levels 0–4 gives five different stored
 * sizes (level 0, zstd's fastest, the largest), each reading back exactly. Trees written by earlier
 * strata (the @mongodb-js/zstd binding, whose wrapper dropped the level) still read, whole and by range.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import { compressibleText } from "../compress/tree.js";

const MiB = 1 << 20;
const MTIME = new Date("2025-05-05T05:05:05Z");
let n = 0;

async function storedSize(raw: Fs): Promise<number> {
  const data = (await raw.list("")).find((e) => e.remote.endsWith(".zst"));
  if (data?.kind !== "file") throw new Error("no .zst data object");
  return data.size;
}

describe("compress zstd levels", () => {
  it("levels 0–4 store the same content in five different sizes, each read back exactly", async () => {
    const text = compressibleText("levels", 2 * MiB + 321);
    const sizes: number[] = [];
    for (const level of [0, 1, 2, 3, 4]) {
      const raw = await newFs(`:memory:zstd-level-${n++}`, createContext());
      const fs = new CompressFs(":compress", "", raw, { remote: "x", mode: "zstd", level, ram_cache_limit: 20 * MiB });
      await fs.put(fromBytes(text), { remote: "t.txt", size: text.length, modTime: MTIME });
      sizes.push(await storedSize(raw));
      const back = Buffer.from(await toBytes(await (await fs.newObject("t.txt")).open()));
      expect(back.equals(text), `level ${level}`).toBe(true);
    }
    expect(new Set(sizes).size, `sizes ${sizes.join(", ")}`).toBe(5);
    expect(sizes[0]).toBeGreaterThan(sizes[1] as number);
    expect(sizes[1]).toBeGreaterThan(sizes[2] as number);
  });

  it("reads a tree written through the earlier binding", async () => {
    const dir = fileURLToPath(new URL("../compress/fixtures/zstd-1.2.2", import.meta.url));
    const fs = await newFs(`:compress,remote=${dir},mode=zstd:`, createContext());
    // The fixture's content, as the script that wrote it made it.
    let rows = "";
    for (let i = 0; rows.length < MiB + 5000; i++)
      rows += `row ${i % 977} of the zstd fixture, column ${(i * 7) % 13}\n`;
    const want = Buffer.from(rows).subarray(0, MiB + 5000);
    const obj = await fs.newObject("rows.txt");
    expect(obj.size).toBe(want.length);
    expect(Buffer.from(await toBytes(await obj.open())).equals(want)).toBe(true);
    const range = await toBytes(await obj.open({ offset: MiB + 10, length: 300 }));
    expect(Buffer.from(range).equals(want.subarray(MiB + 10, MiB + 310))).toBe(true);
  });
});
