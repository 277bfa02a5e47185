/**
 * A damaged gzip block fails the read at that block: the bytes of the blocks before it arrive, none
 * of its own or later ones, and the error is `Corrupt` naming the file and the block, with zlib's
 * message kept as the cause rather than in the text. That holds for a block that does not inflate and
 * for one that inflates to the wrong length, in whole reads, ranged reads and `strata cat`. A block
 * that inflates to the right length but wrong bytes cannot be told at the block (rclone's format keeps
 * no checksum per block): the whole read fails after the last block, on the CRC32.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { constants, inflateRawSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { type FsError, isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body } from "../../src/fs/types.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { makeTree, removeTree, strata } from "../commands/run-cli.js";
import { compressibleText } from "../compress/tree.js";

const MiB = 1 << 20;
const DATA = compressibleText("blocks", 3 * MiB + 1234);
const MTIME = new Date("2025-09-09T09:09:09Z");
const BAD = 1;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});

type Damage = "does not inflate" | "wrong length" | "wrong bytes";

/** How block bytes with one byte flipped decode. */
function classify(block: Buffer): Damage | "same" {
  try {
    const out = inflateRawSync(block, { finishFlush: constants.Z_SYNC_FLUSH });
    return out.length !== MiB
      ? "wrong length"
      : out.equals(DATA.subarray(BAD * MiB, (BAD + 1) * MiB))
        ? "same"
        : "wrong bytes";
  } catch {
    return "does not inflate";
  }
}

/** A local compress tree holding `f` whose block BAD has one byte flipped so that it decodes as `damage` says. */
async function damaged(damage: Damage): Promise<string> {
  const dir = makeTree({});
  dirs.push(dir);
  const fs = await newFs(`:compress,remote=${dir}:`, createContext());
  await fs.put(fromBytes(DATA), { remote: "f", size: DATA.length, modTime: MTIME });
  const meta = JSON.parse(readFileSync(join(dir, "f.json"), "utf8"));
  const lengths: number[] = meta.CompressionMetadata.BlockData;
  const start = lengths.slice(0, BAD + 1).reduce((a, b) => a + b, 0);
  const path = join(dir, `f.${encodeSize(DATA.length)}.gz`);
  const bytes = readFileSync(path);
  const block = bytes.subarray(start, start + (lengths[BAD + 1] as number));
  for (let at = 0; at < block.length; at++) {
    const copy = Buffer.from(block);
    copy[at] = (copy[at] as number) ^ 0x10;
    if (classify(copy) === damage) {
      block[at] = copy[at] as number;
      writeFileSync(path, bytes);
      return dir;
    }
  }
  throw new Error(`no single flip gives ${damage}`);
}

/** Reads `body` to its end or its error: the bytes that arrived and the error. */
async function drain(body: Body): Promise<{ got: Buffer; err: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const part of body) parts.push(part);
    return { got: Buffer.concat(parts), err: undefined };
  } catch (err) {
    return { got: Buffer.concat(parts), err };
  }
}

function expectBlockError(err: unknown): void {
  expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
  expect((err as FsError).message).toMatch(
    new RegExp(`^f: gzip data is corrupt: block ${BAD} (does not inflate|inflates to \\d+ bytes, not ${MiB})$`),
  );
}

describe("compress gzip: a damaged block", () => {
  for (const damage of ["does not inflate", "wrong length"] as const) {
    it(`(${damage}) fails whole and ranged reads at that block, naming it`, async () => {
      const fs = await newFs(`:compress,remote=${await damaged(damage)}:`, createContext());
      const obj = await fs.newObject("f");
      const whole = await drain(await obj.open());
      expectBlockError(whole.err);
      expect(whole.got.equals(DATA.subarray(0, BAD * MiB))).toBe(true);
      const ranged = await drain(await obj.open({ offset: 10, length: 2 * MiB }));
      expectBlockError(ranged.err);
      expect(ranged.got.equals(DATA.subarray(10, BAD * MiB))).toBe(true);
    });
  }

  it("strata cat stops at the block and names it", async () => {
    const res = await strata(["cat", `:compress,remote=${await damaged("does not inflate")}:`]);
    expect(res.code).not.toBe(0);
    expect(res.stdout.length).toBe(BAD * MiB);
    expect(res.stderr).toContain(`f: gzip data is corrupt: block ${BAD} does not inflate`);
  });

  it("(wrong bytes) fails the whole read on the CRC32 after the last block", async () => {
    const fs = await newFs(`:compress,remote=${await damaged("wrong bytes")}:`, createContext());
    const { got, err } = await drain(await (await fs.newObject("f")).open());
    expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
    expect(String(err)).toContain("f: gzip data is corrupt: CRC32 mismatch");
    expect(got.length).toBe(DATA.length);
  });
});
