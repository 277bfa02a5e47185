/**
 * Metadata naming a data object that is not there (its size or mode disagrees with the data object's
 * name, or the data object is gone): opening the file by name fails with `Corrupt` naming the file and
 * saying which data objects it has, not `ObjectNotFound` (which `cat` reported as "directory not found").
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { makeTree, removeTree, strata } from "../commands/run-cli.js";
import { compressibleText } from "../compress/tree.js";

const DATA = compressibleText("disagree", 40_000);
const MTIME = new Date("2025-07-07T07:07:07Z");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});

/** A compress tree in a local directory holding `f`, whose metadata is then edited by `edit`. */
async function tree(edit: (meta: Record<string, unknown>) => void): Promise<string> {
  const dir = makeTree({});
  dirs.push(dir);
  const fs = await newFs(`:compress,remote=${dir}:`, createContext());
  await fs.put(fromBytes(DATA), { remote: "sub/f", size: DATA.length, modTime: MTIME });
  const path = join(dir, "sub", "f.json");
  const meta = JSON.parse((await import("node:fs")).readFileSync(path, "utf8"));
  edit(meta);
  writeFileSync(path, JSON.stringify(meta));
  return dir;
}

const DATA_NAME = `f.${encodeSize(DATA.length)}.gz`;

describe("compress: metadata that names a missing data object", () => {
  it.each([
    ["a size that differs from the data name's", (m: Record<string, unknown>) => (m.Size = 12_345), DATA_NAME],
    ["the stored mode for compressed data", (m: Record<string, unknown>) => (m.Mode = 0), DATA_NAME],
  ])("%s: Corrupt naming the file and its data objects", async (_what, edit, found) => {
    const dir = await tree(edit);
    const fs = await newFs(`:compress,remote=${dir}:`, createContext());
    const err = await fs.newObject("sub/f").catch((e: unknown) => e);
    expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
    expect(String(err)).toContain("sub/f:");
    expect(String(err)).toContain(found);
  });

  it("cat says the metadata and data disagree, not that the directory is missing", async () => {
    const dir = await tree((m) => {
      m.Size = 999;
    });
    const res = await strata(["cat", `:compress,remote=${dir}:sub/f`]);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("f: metadata and data disagree");
    expect(res.stderr).not.toContain("directory not found");
  });
});
