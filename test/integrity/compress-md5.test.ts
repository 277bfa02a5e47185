/**
 * A compressed file whose content does not have the MD5 its metadata keeps (gzip, zstd and stored):
 * a whole read fails with `Corrupt` naming the file after the last byte, so a copy of it fails and
 * nothing lands at the destination, as rclone fails it; a ranged read, which cannot check the MD5,
 * still reads.
 */
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { copyFile } from "../../src/fs/operations/copy.js";
import type { Fs } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import { makeTree, removeTree } from "../commands/run-cli.js";
import { compressibleText, seededBytes } from "../compress/tree.js";

const MiB = 1 << 20;
const MTIME = new Date("2025-06-06T06:06:06Z");
const WRONG = "0123456789abcdef0123456789abcdef";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});

function tempDir(): string {
  const dir = makeTree({});
  dirs.push(dir);
  return dir;
}

/**
 * compress over local (whose hashes are slow, so a copy hashes what it reads instead of asking the
 * source) holding `f` whose metadata's MD5 is replaced by a wrong one; a fresh overlay over it.
 */
async function wrongMd5(mode: "gzip" | "zstd", data: Buffer): Promise<Fs> {
  const raw = await newFs(tempDir(), createContext());
  const options = { remote: "x", mode, level: -1, ram_cache_limit: 20 * MiB };
  await new CompressFs(":compress", "", raw, options).put(fromBytes(data), {
    remote: "f",
    size: data.length,
    modTime: MTIME,
  });
  const meta = JSON.parse(Buffer.from(await toBytes(await (await raw.newObject("f.json")).open())).toString());
  meta.MD5 = WRONG;
  const bytes = Buffer.from(JSON.stringify(meta));
  await raw.put(fromBytes(bytes), { remote: "f.json", size: bytes.length, modTime: MTIME });
  return new CompressFs(":compress", "", raw, options);
}

const CASES = [
  ["gzip", compressibleText("md5-gz", 2 * MiB + 10)],
  ["zstd", compressibleText("md5-zst", 2 * MiB + 10)],
  ["stored", seededBytes("md5-bin", 300_000)],
] as const;

describe("compress: a wrong MD5 in metadata", () => {
  for (const [what, data] of CASES) {
    const mode = what === "zstd" ? "zstd" : "gzip";

    it(`${what}: a whole read fails with Corrupt naming the file; a range reads`, async () => {
      const fs = await wrongMd5(mode, data);
      const obj = await fs.newObject("f");
      expect(await obj.hash("md5")).toBe(WRONG);
      const err = await toBytes(await obj.open()).catch((e: unknown) => e);
      expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
      expect(String(err)).toMatch(/^FsError: f: .*MD5/);
      const range = await toBytes(await obj.open({ offset: 1000, length: 5000 }));
      expect(Buffer.from(range).equals(data.subarray(1000, 6000))).toBe(true);
    });

    it(`${what}: a copy to local fails and writes nothing`, async () => {
      const fs = await wrongMd5(mode, data);
      const dir = tempDir();
      const dst = await newFs(dir, createContext());
      const err = await copyFile(await fs.newObject("f"), dst, "f").catch((e: unknown) => e);
      expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
      expect(readdirSync(dir)).toEqual([]);
    });
  }
});
