/**
 * Damaged compress objects: a flipped byte in a gzip block or zstd frame, a truncated data object,
 * missing or malformed NAME.json, a data name whose size disagrees with the metadata. Reads fail with
 * `Corrupt` naming the file (a data object without metadata is skipped by listings, as documented);
 * `strata copy` meeting one writes no partial file, exits non-zero and copies the rest.
 */
import { appendFileSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { makeTree, removeTree, snapshot, strata } from "../commands/run-cli.js";
import { compressibleText, seededBytes } from "./tree.js";

const MiB = 1 << 20;
const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) removeTree(r);
});
function dir(): string {
  const root = makeTree({});
  roots.push(root);
  return root;
}

const FILES: Record<string, Buffer> = {
  "ok-1.txt": compressibleText("ok1", 30_000),
  "big.txt": compressibleText("big", 3 * MiB + 100),
  "short.txt": compressibleText("short", 2 * MiB),
  "nometa.txt": compressibleText("nometa", 10_000),
  "badmeta.txt": compressibleText("badmeta", 10_000),
  "renamed.txt": compressibleText("renamed", 10_000),
  "ok-2.txt": compressibleText("ok2", 5_000),
  "grown.bin": seededBytes("grown", 5_000),
};
const MTIME = new Date("2022-02-02T02:02:02Z");

/** Writes FILES through compress over a fresh directory and damages all but the ok-* files. */
async function damagedStore(mode: "gzip" | "zstd"): Promise<{ root: string; fs: Fs }> {
  const root = dir();
  const spec = `:compress,remote=${root},mode=${mode}:`;
  const fs = await newFs(spec, createContext());
  for (const [name, data] of Object.entries(FILES)) {
    await fs.put(fromBytes(data), { remote: name, size: data.length, modTime: MTIME });
  }
  const ext = mode === "zstd" ? "zst" : "gz";
  const data = (name: string) => join(root, `${name}.${encodeSize(FILES[name]!.length)}.${ext}`);
  // A byte in the middle of the second block/frame.
  const bytes = readFileSync(data("big.txt"));
  bytes[Math.floor(bytes.length / 2)]! ^= 0x55;
  writeFileSync(data("big.txt"), bytes);
  truncateSync(data("short.txt"), readFileSync(data("short.txt")).length - 100);
  rmSync(join(root, "nometa.txt.json"));
  writeFileSync(join(root, "badmeta.txt.json"), '{"Mode":2,"Size":');
  // Stored as is (random data): a byte more than the metadata says.
  appendFileSync(join(root, "grown.bin.bin"), "x");
  renameSync(data("renamed.txt"), join(root, `renamed.txt.${encodeSize(12_345)}.${ext}`));
  // A fresh instance, so nothing written above is remembered.
  return { root, fs: await newFs(spec, createContext()) };
}

async function readError(fs: Fs, name: string): Promise<unknown> {
  const obj = (await fs.list("")).find((e) => e.remote === name);
  if (obj?.kind !== "file") throw new Error(`${name} not listed`);
  try {
    await toBytes(await obj.open());
    return undefined;
  } catch (err) {
    return err;
  }
}

for (const mode of ["gzip", "zstd"] as const) {
  describe(`compress (${mode}): damaged objects`, () => {
    it("fails reads with Corrupt naming the file; skips data without metadata", async () => {
      const { fs } = await damagedStore(mode);
      const listed = (await fs.list("")).map((e) => [e.remote, e.kind === "file" ? e.size : -1]);
      expect(listed.map((l) => l[0]).sort()).toEqual(
        ["badmeta.txt", "big.txt", "grown.bin", "ok-1.txt", "ok-2.txt", "renamed.txt", "short.txt"].sort(),
      );
      expect(listed.find((l) => l[0] === "renamed.txt")?.[1]).toBe(12_345);
      for (const name of ["big.txt", "short.txt", "badmeta.txt", "renamed.txt", "grown.bin"]) {
        const err = await readError(fs, name);
        expect(isFsError(err, "Corrupt"), `${name}: ${String(err)}`).toBe(true);
        expect(String(err)).toContain(name);
      }
      // A range inside an intact block still reads; the damaged one fails.
      const big = await fs.newObject("big.txt");
      const head = await toBytes(await big.open({ offset: 10, length: 100 }));
      expect(Buffer.from(head).equals(FILES["big.txt"]!.subarray(10, 110))).toBe(true);
      const nometa = await fs.newObject("nometa.txt").catch((e: unknown) => e);
      expect(isFsError(nometa, "ObjectNotFound")).toBe(true);
      for (const name of ["badmeta.txt", "grown.bin"]) {
        const err = await fs.newObject(name).catch((e: unknown) => e);
        expect(isFsError(err, "Corrupt") && String(err).includes(name), String(err)).toBe(true);
      }
      for (const name of ["ok-1.txt", "ok-2.txt"]) {
        const o = await fs.newObject(name);
        expect(Buffer.from(await toBytes(await o.open())).equals(FILES[name]!)).toBe(true);
      }
    });

    it("strata copy writes no partial file for a damaged one, exits non-zero and copies the rest", async () => {
      const { root } = await damagedStore(mode);
      const dst = dir();
      const res = await strata([
        "copy",
        "--retries",
        "1",
        "--low-level-retries",
        "1",
        `:compress,remote=${root},mode=${mode}:`,
        dst,
      ]);
      expect(res.code, res.stderr).not.toBe(0);
      for (const name of ["big.txt", "short.txt", "badmeta.txt", "renamed.txt", "grown.bin"]) {
        expect(res.stderr).toContain(name);
      }
      expect(snapshot(dst)).toEqual([
        `ok-1.txt ${FILES["ok-1.txt"]!.length} ${MTIME.toISOString()}`,
        `ok-2.txt ${FILES["ok-2.txt"]!.length} ${MTIME.toISOString()}`,
      ]);
      expect(readdirSync(dst).some((f) => f.includes("partial"))).toBe(false);
    });
  });
}
