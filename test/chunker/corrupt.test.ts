/**
 * A chunker tree damaged behind the chunker's back (spec §9–11): a missing middle chunk is skipped
 * from listings with a notice (an error with fail_hard); a truncated chunk or malformed metadata
 * makes reads fail with `Corrupt`. No read ever yields wrong bytes of the wrong size, a flipped byte
 * is caught by the md5 in the metadata when copied, and `strata copy` of the tree copies the intact
 * files, exits non-zero and leaves no partial destination file.
 */
import { createHash } from "node:crypto";
import { readFileSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { type FsError, isFsError } from "../../src/fs/errors.js";
import { formatLogLine, setLogLevel, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { seededBytes } from "./fixtures/seeded.js";
import { filesUnder } from "./fixtures.js";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const tempDir = tempDirs("strata-ck-corrupt-");

const CONTENT: Record<string, Buffer> = {
  "ok1.bin": seededBytes("ok1", 2500),
  "ok2.txt": seededBytes("ok2", 100),
  "sub/ok3.bin": seededBytes("ok3", 3000),
  "gap.bin": seededBytes("gap", 2500),
  "trunc.bin": seededBytes("trunc", 2500),
  "badmeta.bin": seededBytes("badmeta", 2500),
  "flipped.bin": seededBytes("flipped", 2500),
};
const INTACT = ["ok1.bin", "ok2.txt", "sub/ok3.bin"];

let dir = "";
const spec = (extra = "") => `:chunker,remote=${dir},chunk_size=1000b${extra}:`;
const lines: string[] = [];

beforeAll(async () => {
  dir = tempDir();
  const fs = await newFs(spec(), createContext());
  for (const [remote, data] of Object.entries(CONTENT)) {
    await fs.put(fromBytes(data), { remote, size: data.length, modTime: new Date() });
  }
  // (a) a deleted middle chunk, (b) a truncated chunk, (c) malformed metadata JSON.
  unlinkSync(join(dir, "gap.bin.rclone_chunk.002"));
  truncateSync(join(dir, "trunc.bin.rclone_chunk.002"), 500);
  const meta = readFileSync(join(dir, "badmeta.bin"), "utf8");
  writeFileSync(join(dir, "badmeta.bin"), `${meta.slice(0, -1)},}`);
  // (d) a flipped byte in a middle chunk: sizes agree, only the md5 in the metadata can tell.
  const chunk = join(dir, "flipped.bin.rclone_chunk.002");
  const bytes = readFileSync(chunk);
  bytes[123] = (bytes[123] as number) ^ 0x40;
  writeFileSync(chunk, bytes);
});
afterEach(() => {
  setLogLevel("NOTICE");
  lines.length = 0;
});

/** Reads an object fully; the error when the read fails. */
async function read(o: FsObject, range?: { offset: number; length?: number }): Promise<Uint8Array | FsError> {
  try {
    return await toBytes(await o.open(range));
  } catch (err) {
    if (isFsError(err)) return err;
    throw err;
  }
}

const list = async (fs: Fs, d: string) =>
  (await fs.list(d)).map((e) => [e.remote, e.kind === "file" ? e.size : -1] as const).sort();

describe("chunker: corrupt trees", () => {
  it("(a) skips a file with a missing chunk from the listing with a notice; newObject says Corrupt", async () => {
    setLogSink((entry) => lines.push(formatLogLine(entry)));
    const fs = await newFs(spec(), createContext());
    const listed = await list(fs, "");
    expect(listed.map(([r]) => r)).not.toContain("gap.bin");
    expect(lines.some((l) => /NOTICE: gap\.bin: invalid chunks in object \(missing chunk 2\), skipped/.test(l))).toBe(
      true,
    );
    const err = await fs.newObject("gap.bin").catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt") && err.path).toBe("gap.bin");
  });

  it("(a) with fail_hard: listing throws Corrupt naming the file", async () => {
    const fs = await newFs(spec(",fail_hard=true"), createContext());
    const err = await fs.list("").catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt")).toBe(true);
    expect((err as FsError).path).toBe("gap.bin");
    expect(String(err)).toContain("missing chunk 2");
    // The other directory has no damage and lists.
    expect(await list(fs, "sub")).toEqual([["sub/ok3.bin", 3000]]);
  });

  it("(b) a truncated chunk: listed by its chunks' size, but every read fails with Corrupt", async () => {
    for (const extra of ["", ",fail_hard=true"]) {
      const fs = await newFs(spec(extra), createContext());
      if (extra === "") expect(await list(fs, "")).toContainEqual(["trunc.bin", 2000]);
      const o = await fs.newObject("trunc.bin");
      expect(o.size).toBe(2000);
      for (const range of [undefined, { offset: 0, length: 10 }, { offset: 1900 }]) {
        const got = await read(o, range);
        expect(isFsError(got, "Corrupt") && got.path === "trunc.bin").toBe(true);
        expect(String(got)).toContain("metadata doesn't match file size");
      }
      const err = await o.hash("md5").catch((e: unknown) => e);
      expect(isFsError(err, "Corrupt")).toBe(true);
    }
  });

  it("(b) a chunk truncated after listing: the read throws instead of yielding fewer bytes", async () => {
    const d = tempDir();
    const fs = await newFs(`:chunker,remote=${d},chunk_size=1000b:`, createContext());
    const data = seededBytes("late", 2500);
    await fs.put(fromBytes(data), { remote: "late.bin", size: data.length, modTime: new Date() });
    const o = await fs.newObject("late.bin");
    expect(sha256(await toBytes(await o.open()))).toBe(sha256(data));
    truncateSync(join(d, "late.bin.rclone_chunk.002"), 300);
    for (const range of [undefined, { offset: 1200, length: 200 }]) {
      const got = await read(o, range);
      expect(isFsError(got, "Corrupt") && got.path === "late.bin", String(got)).toBe(true);
    }
  });

  it("(c) malformed metadata: listed, but reads and hashes fail with Corrupt (invalid metadata)", async () => {
    for (const extra of ["", ",fail_hard=true"]) {
      const fs = await newFs(spec(extra), createContext());
      const o = await fs.newObject("badmeta.bin");
      expect(o.size).toBe(2500);
      const got = await read(o);
      expect(isFsError(got, "Corrupt") && got.path === "badmeta.bin").toBe(true);
      expect(String(got)).toContain("invalid metadata");
      expect(isFsError(await o.hash("md5").catch((e: unknown) => e), "Corrupt")).toBe(true);
    }
  });

  it("intact files still read back exactly", async () => {
    const fs = await newFs(spec(), createContext());
    for (const remote of INTACT) {
      const got = await toBytes(await (await fs.newObject(remote)).open());
      expect(sha256(got)).toBe(sha256(CONTENT[remote] as Buffer));
    }
  });

  it("strata copy of the tree exits non-zero, copies the intact files and leaves no partial file", async () => {
    const dst = tempDir();
    const res = await strata(["copy", "--retries", "1", spec(), dst]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("trunc.bin");
    expect(res.stderr).toContain("badmeta.bin");
    // The read checks the chunks against the md5 kept in the metadata.
    expect(res.stderr).toMatch(/flipped\.bin.*md5 of the chunks differs from the metadata's/);
    expect(filesUnder(dst)).toEqual([...INTACT].sort());
    for (const remote of INTACT) {
      expect(sha256(readFileSync(join(dst, remote)))).toBe(sha256(CONTENT[remote] as Buffer));
    }
  });
});
