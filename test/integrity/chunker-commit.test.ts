/**
 * A chunker write killed at any step leaves the previous version or the new one, whole: every
 * mutating call of an upload (and of a server-side copy) is tried as the point of the kill, over
 * local disk, in rename and norename mode, for new versions with fewer, more and as many chunks as
 * the old one, and for a small plain file replacing a chunked one. `cleanup` afterwards keeps what
 * was readable. Without metadata (meta_format none) a kill may leave a typed error, never a mix.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { FaultFs, seededRandom } from "../../src/fs/layers/fault.js";
import { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { cleanUp } from "../../src/fs/operations/cleanup.js";
import { copyFile } from "../../src/fs/operations/copy.js";
import type { Fs } from "../../src/fs/types.js";
import { ChunkerFs } from "../../src/overlays/chunker/fs.js";
import type { ChunkerOptions } from "../../src/overlays/chunker/index.js";
import { chunkerOptions } from "../chunker/options.js";
import { tempDirs } from "../temp-dirs.js";
import { CrashFs, CrashPoint, readVersion } from "./crash.js";

const tempDir = tempDirs("strata-chunker-commit-");
const T0 = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
const T1 = new Date(Date.UTC(2021, 0, 2, 3, 4, 5));

const OPTIONS = chunkerOptions();

const MODES: Record<string, Partial<ChunkerOptions>> = {
  rename: {},
  norename: { transactions: "norename" },
  "rename, sha1": { hash_type: "sha1" },
  "meta none": { meta_format: "none", hash_type: "none" },
};

function content(seed: number, size: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
}

const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** What a fresh chunker over `base` reads as `f` (see `readVersion`). */
function readState(base: Fs, options: ChunkerOptions, v1: Uint8Array, v2: Uint8Array): Promise<string> {
  return readVersion(new ChunkerFs(":chunker", "", base, options), "f", v1, v2);
}

/**
 * Writes v1 as `f` through a chunker over a fresh local root, then runs `write` (v2 through a chunker
 * over the crash layer) killed before mutating call `at`. Returns what a reader sees before and after
 * a clean-up, and whether the write ran to its end.
 */
async function trial(
  options: ChunkerOptions,
  v1: Uint8Array,
  v2: Uint8Array,
  at: number,
  write: (fs: ChunkerFs, raw: Fs) => Promise<unknown>,
) {
  const raw = await newFs(tempDir(), createContext());
  await new ChunkerFs(":chunker", "", raw, options).put(fromBytes(v1, 300), {
    remote: "f",
    size: v1.length,
    modTime: T0,
  });
  const point = new CrashPoint(at);
  let completed = true;
  try {
    await write(new ChunkerFs(":chunker", "", new CrashFs(raw, point), options), raw);
  } catch {
    completed = !point.crashed;
  }
  const before = await readState(raw, options, v1, v2);
  await cleanUp(new ChunkerFs(":chunker", "", raw, options));
  const after = await readState(raw, options, v1, v2);
  return { before, after, completed, done: point.done };
}

/** Runs trials for every kill point until the write completes; returns the states seen, in order. */
async function everyKillPoint(
  options: ChunkerOptions,
  v1: Uint8Array,
  v2: Uint8Array,
  write: (fs: ChunkerFs, raw: Fs) => Promise<unknown>,
): Promise<string[]> {
  const seen: string[] = [];
  for (let at = 1; at < 200; at++) {
    const { before, after, completed, done } = await trial(options, v1, v2, at, write);
    const why = `kill before mutating call ${at}, after: ${done.join(", ")}`;
    if (options.meta_format === "none") {
      expect(["old", "new", "error Corrupt", "error ObjectNotFound"], why).toContain(before);
    } else {
      // With metadata there is a commit point: one whole version is always there.
      expect(["old", "new"], why).toContain(before);
    }
    // A clean-up never loses the version that was readable.
    if (before === "old" || before === "new") expect(after, why).toBe(before);
    seen.push(before);
    if (completed) {
      expect(before).toBe("new");
      return seen;
    }
  }
  throw new Error("the write never completed");
}

describe.each(Object.entries(MODES))("chunker commit killed at every step (%s)", (_mode, mode) => {
  const options = { ...OPTIONS, ...mode };
  const v1 = content(1, 5500);

  it.each([
    ["fewer chunks", 3200],
    ["more chunks", 7300],
    ["as many chunks", 5400],
    ["a small plain file", 400],
  ])("upload of %s", async (_what, size) => {
    const v2 = content(size, size);
    const seen = await everyKillPoint(options, v1, v2, (fs) =>
      fs.put(fromBytes(v2, 300), { remote: "f", size: v2.length, modTime: T1 }),
    );
    expect(seen.length).toBeGreaterThanOrEqual(options.meta_format === "none" && size < 1000 ? 3 : 5);
    expect(seen.at(0)).toBe("old");
  });

  it("server-side copy onto an existing file", async () => {
    const v2 = content(2, 4100);
    const seen = await everyKillPoint(options, v1, v2, async (fs, raw) => {
      await new ChunkerFs(":chunker", "", raw, options).put(fromBytes(v2), {
        remote: "g",
        size: v2.length,
        modTime: T1,
      });
      const src = await fs.newObject("g");
      return (fs.features.copy as NonNullable<Fs["features"]["copy"]>)(src, "f");
    });
    expect(seen.length).toBeGreaterThanOrEqual(5);
  });
});

describe("chunker reads verify what the metadata keeps", () => {
  it("a whole read of chunks swapped for others of the same size fails with Corrupt", async () => {
    const raw = await newFs(tempDir(), createContext());
    const fs = new ChunkerFs(":chunker", "", raw, OPTIONS);
    const a = content(5, 3000);
    const b = content(6, 3000);
    await fs.put(fromBytes(a), { remote: "a", size: a.length, modTime: T0 });
    await fs.put(fromBytes(b), { remote: "b", size: b.length, modTime: T0 });
    // Chunk 2 of b replaces chunk 2 of a: sizes and counts still agree with a's metadata.
    const chunk = await raw.newObject("b.rclone_chunk.002");
    await raw.put(await chunk.open(), { remote: "a.rclone_chunk.002", size: chunk.size, modTime: T0 });
    const obj = await fs.newObject("a");
    await expect(toBytes(await obj.open())).rejects.toMatchObject({ code: "Corrupt", path: "a" });
    // A ranged read cannot be checked against a whole-file hash; it returns the stored bytes.
    const head = await toBytes(await obj.open({ offset: 0, length: 1000 }));
    expect(digest(head)).toBe(digest(a.subarray(0, 1000)));
  });
});

describe("copies out of a chunker take its checked read as the hash", () => {
  const setUp = async () => {
    const raw = await newFs(tempDir(), createContext());
    const fs = new ChunkerFs(":chunker", "", raw, OPTIONS);
    for (const [remote, seed] of [
      ["a", 7],
      ["b", 8],
    ] as const) {
      const data = content(seed, 3000);
      await fs.put(fromBytes(data), { remote, size: data.length, modTime: T0 });
    }
    return { raw, fs, b: content(8, 3000) };
  };

  it("says which hash whole reads check, through see-through layers only", async () => {
    const { fs } = await setUp();
    const obj = await fs.newObject("a");
    await toBytes(await obj.open());
    expect(obj.checksWholeRead).toBe("md5");
    const guarded = await new PathGuardFs(fs).newObject("a");
    await toBytes(await guarded.open());
    expect(guarded.checksWholeRead).toBe("md5");
    // A layer that may change bytes (fault injection) cannot vouch for what its reads return.
    const faulty = await new FaultFs(fs).newObject("a");
    await toBytes(await faulty.open());
    expect(faulty.checksWholeRead).toBeUndefined();
  });

  it("a copy of a damaged file fails and the destination keeps its previous version", async () => {
    const { raw, fs, b } = await setUp();
    const dst = await newFs(tempDir(), createContext());
    const previous = content(9, 100);
    await dst.put(fromBytes(previous), { remote: "a", size: previous.length, modTime: T0 });
    const good = await copyFile(await fs.newObject("b"), dst, "b");
    expect(await good.hash("md5")).toBe(createHash("md5").update(b).digest("hex"));
    const chunk = await raw.newObject("b.rclone_chunk.002");
    await raw.put(await chunk.open(), { remote: "a.rclone_chunk.002", size: chunk.size, modTime: T0 });
    await expect(copyFile(await fs.newObject("a"), dst, "a")).rejects.toMatchObject({ code: "Corrupt" });
    expect(digest(await toBytes(await (await dst.newObject("a")).open()))).toBe(digest(previous));
  });
});
