/**
 * The local backend leaves no pages of what it read in the page cache, as rclone's does. Counted with
 * util-linux's fincore; the file is synced first, since the kernel keeps dirty pages whatever it is told.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { tempDirs } from "../temp-dirs.js";

const MiB = 1 << 20;
const SIZE = 24 * MiB;
const tempDir = tempDirs("strata-page-cache-");

/** Bytes of `path` resident in the page cache. */
const resident = (path: string) =>
  Number(execFileSync("fincore", ["--bytes", "--noheadings", "--output", "RES", path], { encoding: "utf8" }).trim());

async function cachedFile(): Promise<{ dir: string; path: string }> {
  const dir = tempDir();
  const path = join(dir, "big.bin");
  const fd = openSync(path, "w");
  writeSync(fd, randomBytes(SIZE));
  fsyncSync(fd);
  closeSync(fd);
  readFileSync(path);
  expect(resident(path)).toBe(SIZE);
  return { dir, path };
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<number> {
  let n = 0;
  for await (const part of body) n += part.length;
  return n;
}

describe.runIf(process.platform === "linux")("local reads release the page cache", () => {
  it("a whole read leaves none of the file cached", async () => {
    const { dir, path } = await cachedFile();
    const fs = await newFs(dir, createContext());
    expect(await drain(await (await fs.newObject("big.bin")).open())).toBe(SIZE);
    expect(resident(path)).toBe(0);
  });

  it("a ranged read releases only the range it read", async () => {
    const { dir, path } = await cachedFile();
    const fs = await newFs(dir, createContext());
    const o = await fs.newObject("big.bin");
    expect(await drain(await o.open({ offset: 8 * MiB, length: 8 * MiB }))).toBe(8 * MiB);
    expect(resident(path)).toBe(SIZE - 8 * MiB);
  });

  it("hashing a file releases it too", async () => {
    const { dir, path } = await cachedFile();
    const fs = await newFs(dir, createContext());
    await (await fs.newObject("big.bin")).hash("md5");
    expect(resident(path)).toBe(0);
  });
});
