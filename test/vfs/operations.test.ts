/** Every VFS operation, in every cache mode, over memory, crypt(chunker(memory)) and local. */
import { constants } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import type { Fs } from "../../src/fs/types.js";
import { type CacheMode, errnoOf, openVfs, type Vfs } from "../../src/vfs/index.js";
import { flags, newTemp, REMOTES, readFile, seededBytes, writeFile } from "./helpers.js";

const E = constants.errno;
const MODES: CacheMode[] = ["off", "minimal", "writes", "full"];

/** The errno a promise fails with. */
async function errnoOfCall(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    return errnoOf(err);
  }
  throw new Error("expected a failure");
}

const open: Vfs[] = [];
afterEach(async () => {
  for (const v of open.splice(0)) await v.close();
});

async function setup(make: () => Promise<Fs>, cacheMode: CacheMode): Promise<{ fs: Fs; vfs: Vfs }> {
  const fs = await make();
  const vfs = await openVfs(fs, { cacheMode, cacheDir: newTemp(), writeBack: 0, readAhead: 8192 });
  open.push(vfs);
  return { fs, vfs };
}

describe.each(REMOTES)("vfs over $label", ({ make }) => {
  describe.each(MODES)("cache mode %s", (mode) => {
    it("writes, stats, lists and reads back files; sync puts them on the remote", async () => {
      const { fs, vfs } = await setup(make, mode);
      const data = seededBytes(70_000, 1);
      await vfs.mkdir("d");
      await writeFile(vfs, "d/a.bin", data);
      expect((await vfs.stat("d/a.bin")).size).toBe(data.length);
      expect((await vfs.stat("d/a.bin")).kind).toBe("file");
      expect((await vfs.stat("d")).kind).toBe("dir");
      expect((await vfs.readdir("d")).map((e) => e.name)).toEqual(["a.bin"]);
      expect(Buffer.from(await readFile(vfs, "d/a.bin", 1000)).equals(data)).toBe(true);
      await vfs.sync();
      const obj = await fs.newObject("d/a.bin");
      expect(Buffer.from(await toBytes(await obj.open())).equals(data)).toBe(true);
    });

    it("reads at random offsets (seeks) and concurrently through two handles", async () => {
      const { vfs } = await setup(make, mode);
      const data = seededBytes(50_000, 2);
      await writeFile(vfs, "r.bin", data);
      await vfs.sync();
      const a = await vfs.open("r.bin", flags("read"));
      const b = await vfs.open("r.bin", flags("read"));
      for (const [h, at, n] of [
        [a, 40_000, 3000],
        [b, 10, 100],
        [a, 5, 20_000],
        [b, 49_990, 100],
        [a, 60_000, 10],
      ] as const) {
        expect(Buffer.from(await h.read(at, n)).equals(data.subarray(at, at + n))).toBe(true);
      }
      const parallel = await Promise.all([a.read(0, 1000), b.read(30_000, 1000), a.read(1000, 1000)]);
      expect(Buffer.from(parallel[0]).equals(data.subarray(0, 1000))).toBe(true);
      expect(Buffer.from(parallel[1]).equals(data.subarray(30_000, 31_000))).toBe(true);
      expect(Buffer.from(parallel[2]).equals(data.subarray(1000, 2000))).toBe(true);
      await a.release();
      await b.release();
    });

    it("renames files and directories, removes them, and reports errnos as POSIX does", async () => {
      const { fs, vfs } = await setup(make, mode);
      await vfs.mkdir("x");
      await vfs.mkdir("x/y");
      await writeFile(vfs, "x/y/f", seededBytes(3000, 3));
      await writeFile(vfs, "g", seededBytes(10, 4));
      await vfs.sync();
      await vfs.rename("x/y/f", "x/f2");
      await vfs.rename("x", "z");
      expect((await vfs.readdir("")).map((e) => e.name).sort()).toEqual(["g", "z"]);
      expect((await vfs.readdir("z")).map((e) => e.name).sort()).toEqual(["f2", "y"]);
      expect(Buffer.from(await readFile(vfs, "z/f2")).equals(seededBytes(3000, 3))).toBe(true);
      expect(await errnoOfCall(vfs.stat("x"))).toBe(E.ENOENT);
      expect(await errnoOfCall(vfs.rmdir("z"))).toBe(E.ENOTEMPTY);
      expect(await errnoOfCall(vfs.mkdir("z"))).toBe(E.EEXIST);
      expect(await errnoOfCall(vfs.unlink("z"))).toBe(E.EISDIR);
      expect(await errnoOfCall(vfs.rmdir("g"))).toBe(E.ENOTDIR);
      expect(await errnoOfCall(vfs.stat("g/h"))).toBe(E.ENOTDIR);
      expect(await errnoOfCall(vfs.open("nope", flags("read")))).toBe(E.ENOENT);
      expect(await errnoOfCall(vfs.open("g", flags("write", "create", "exclusive")))).toBe(E.EEXIST);
      expect(await errnoOfCall(vfs.stat("../etc/passwd"))).toBe(E.EPERM);
      expect(await errnoOfCall(vfs.stat("/etc/passwd"))).toBe(E.EPERM);
      // Over the file "g": a rename replaces it.
      await vfs.rename("z/f2", "g");
      expect((await vfs.stat("g")).size).toBe(3000);
      await vfs.unlink("g");
      await vfs.rmdir("z/y");
      await vfs.rmdir("z");
      await vfs.sync();
      expect(await vfs.readdir("")).toEqual([]);
      expect(await fs.list("")).toEqual([]);
    });

    it("sets modtimes and truncates", async () => {
      const { fs, vfs } = await setup(make, mode);
      await writeFile(vfs, "t", seededBytes(5000, 5));
      await vfs.sync();
      const when = new Date("2020-01-02T03:04:05.000Z");
      await vfs.setModTime("t", when);
      expect((await vfs.stat("t")).mtime.getTime()).toBe(when.getTime());
      await vfs.truncate("t", 0);
      await vfs.sync();
      expect((await vfs.stat("t")).size).toBe(0);
      expect((await fs.newObject("t")).size).toBe(0);
    });
  });
});
