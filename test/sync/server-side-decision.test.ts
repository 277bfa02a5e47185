/**
 * copyFile and moveFile ask the destination for a server-side operation only when it could take
 * the source (same Fs or same type under transparent layers), as rclone does: across types the
 * bytes stream at once, without a refused `copy`/`move` per file.
 */
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { copyFile, moveFile, serverSidePossible } from "../../src/fs/operations/copy.js";
import type { Fs } from "../../src/fs/types.js";
import { tempDirs } from "../temp-dirs.js";

const dirs = tempDirs("strata-server-side-");
let seq = 0;
const memory = () => newFs(`:memory:decision-${process.pid}-${seq++}`, createContext());
const local = () => newFs(dirs(), createContext());

async function seeded(fs: Fs, remote: string, text: string) {
  const bytes = new TextEncoder().encode(text);
  return fs.put(fromBytes(bytes), { remote, size: bytes.length, modTime: new Date(1_600_000_000_000), fs });
}

describe("the server-side decision of copyFile and moveFile", () => {
  it("streams local → memory without a copy or move on the destination", async () => {
    const src = await local();
    const dst = new CountingFs(await memory());
    const a = await seeded(src, "a.txt", "alpha");
    const b = await seeded(src, "b.txt", "beta");
    const copied = await copyFile(a, dst, "a.txt");
    const moved = await moveFile(b, dst, "b.txt");
    expect(new TextDecoder().decode(await toBytes(await copied.open()))).toBe("alpha");
    expect(new TextDecoder().decode(await toBytes(await moved.open()))).toBe("beta");
    expect([dst.count("copy"), dst.count("move"), dst.count("put")]).toEqual([0, 0, 2]);
    await expect(src.newObject("b.txt")).rejects.toMatchObject({ code: "ObjectNotFound" });
  });

  it("still copies and moves server-side between two memory remotes, through layers", async () => {
    const src = new CountingFs(await memory());
    const dst = new CountingFs(await memory());
    const a = await seeded(src, "a.txt", "alpha");
    const b = await seeded(src, "b.txt", "beta");
    await copyFile(a, dst, "a.txt");
    await moveFile(b, dst, "b.txt");
    expect([dst.count("copy"), dst.count("move"), dst.count("put")]).toEqual([1, 1, 0]);
  });

  it("judges by type under transparent layers, and a fault layer on the source as its own type", async () => {
    const mem = await memory();
    expect(serverSidePossible(new CountingFs(mem), await memory())).toBe(true);
    expect(serverSidePossible(await local(), new CountingFs(mem))).toBe(false);
    expect(serverSidePossible(new FaultFs(mem), mem)).toBe(false);
    expect(serverSidePossible(mem, new FaultFs(mem))).toBe(true);
  });
});
