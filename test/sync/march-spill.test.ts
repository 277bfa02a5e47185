/**
 * The march's on-disk sort (--list-cutoff): with a cutoff of a few entries, every directory is sorted
 * in runs on disk and merged, and the march must see the same pairs in the same order as with the
 * listing sorted in memory, and leave no run behind, also when a callback throws part-way.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Stats } from "../../src/fs/accounting/stats.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { check } from "../../src/fs/sync/check.js";
import { type MarchCallbacks, march } from "../../src/fs/sync/march.js";
import { runSync } from "../../src/fs/sync/sync.js";
import type { Entry, Fs } from "../../src/fs/types.js";
import { tempDirs } from "../temp-dirs.js";
import { bytes, fingerprint, putFile, rng } from "./tree.js";

const spillDirs = tempDirs("strata-spill-");
let seq = 0;
const memory = () => newFs(`:memory:spill-${process.pid}-${seq++}`, createContext());

/** Names that sort differently by UTF-16 unit and by code point, with separators JSON must escape. */
const NAMES = ["a", "b", "B", "a b", "line\nbreak", 'quo"te', "tab\there", "é", "\uE000", "😀", "z", "0", "~"];

/** Two overlapping trees: a big root directory, sub-directories, and with `clash` a file and a directory of one name. */
async function trees(clash = true): Promise<{ src: Fs; dst: Fs }> {
  const src = await memory();
  const dst = await memory();
  const random = rng(18);
  for (let i = 0; i < 60; i++) {
    const name = `${NAMES[i % NAMES.length]}${i}`;
    if (i % 3 !== 2) await putFile(src, name, bytes(random, 10));
    // One byte longer, so a sync must replace it.
    if (i % 3 !== 1) await putFile(dst, name, bytes(random, 11));
  }
  if (clash) {
    await putFile(src, "same", bytes(random, 3));
    await putFile(dst, "same/inner", bytes(random, 3));
  }
  for (let i = 0; i < 25; i++)
    await putFile(i % 2 ? src : dst, `sub/${NAMES[i % NAMES.length]}-${i}`, bytes(random, 4));
  await putFile(src, "sub/deeper/x", bytes(random, 4));
  return { src, dst };
}

/** The callbacks in the order the march makes them (one checker, so the order is fixed). */
async function marchLog(src: Fs, dst: Fs, listCutoff?: number, spillDir?: string): Promise<string[]> {
  const log: string[] = [];
  const seen = (line: string) => {
    log.push(line);
    return true;
  };
  const cb: MarchCallbacks = {
    srcOnly: (e: Entry) => seen(`src ${e.kind} ${e.remote}`),
    dstOnly: (e: Entry) => seen(`dst ${e.kind} ${e.remote}`),
    match: (s: Entry, d: Entry) => seen(`both ${s.kind} ${s.remote} ${d.remote}`),
    listError: (err) => {
      throw err;
    },
  };
  await march(src, dst, "", cb, { checkers: 1, listCutoff, spillDir });
  return log;
}

describe("march with --list-cutoff", () => {
  it("pairs the same entries in the same order when directories are sorted on disk", async () => {
    const { src, dst } = await trees();
    const inMemory = await marchLog(src, dst);
    expect(inMemory.length).toBeGreaterThan(90);
    for (const cutoff of [1, 4, 7, 59]) {
      const spillDir = spillDirs();
      expect(await marchLog(src, dst, cutoff, spillDir)).toEqual(inMemory);
      expect(readdirSync(spillDir)).toEqual([]);
    }
  });

  it("removes its sorted runs when a callback throws part-way", async () => {
    const { src, dst } = await trees();
    const spillDir = spillDirs();
    let seen = 0;
    const fail = () => {
      if (++seen === 5) throw new Error("stop here");
      return false;
    };
    const cb = { srcOnly: fail, dstOnly: fail, match: fail, listError: () => undefined };
    await expect(march(src, dst, "", cb, { checkers: 2, listCutoff: 3, spillDir })).rejects.toThrow("stop here");
    expect(readdirSync(spillDir)).toEqual([]);
  });

  it("syncs and checks to the same result as in memory", async () => {
    const { src, dst } = await trees(false);
    const stats = new Stats();
    await runSync("sync", src, dst, { stats, listCutoff: 5 });
    expect(stats.errors).toBe(0);
    expect((await fingerprint(dst)).files).toEqual((await fingerprint(src)).files);
    const result = await check(src, dst, { stats: new Stats(), listCutoff: 5 });
    expect(result.matches).toBe((await fingerprint(src)).files.size);
    expect(result.differences + result.missingOnDst + result.missingOnSrc).toBe(0);
  });
});
