/** Damaged stored files through the library: each read fails with a typed error naming the file. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { type FsError, isFsError } from "../../src/fs/errors.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";

const PASSWORD = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";

async function stack(): Promise<{ crypt: Fs; base: Fs }> {
  const ctx = createContext();
  const store = `:memory:crypt-errors-${Math.random().toString(36).slice(2)}`;
  return {
    crypt: await newFs(`:crypt,remote=${quoteValue(store)},password=${PASSWORD}:`, ctx),
    base: await newFs(store, ctx),
  };
}

/** Writes `name` through crypt, then replaces its stored bytes with `damage(stored)`. */
async function damaged(name: string, size: number, damage: (b: Uint8Array) => Uint8Array): Promise<Fs> {
  const { crypt, base } = await stack();
  await crypt.put(fromBytes(new Uint8Array(size).fill(9)), { remote: name, size, modTime: new Date() });
  const [stored] = await base.list("");
  if (stored?.kind !== "file") throw new Error("nothing stored");
  const bytes = damage(Uint8Array.from(await toBytes(await stored.open())));
  await base.put(fromBytes(bytes), { remote: stored.remote, size: bytes.length, modTime: new Date() });
  return crypt;
}

async function readError(crypt: Fs, name: string, range?: { offset: number; length: number }): Promise<FsError> {
  try {
    await toBytes(await (await crypt.newObject(name)).open(range));
  } catch (err) {
    if (isFsError(err)) return err;
    throw err;
  }
  throw new Error("read did not fail");
}

describe("crypt read errors", () => {
  it("a flipped bit fails authentication of its block, also in a ranged read", async () => {
    const crypt = await damaged("f.bin", 200_000, (b) => {
      b[32 + 65552 + 5] = (b[32 + 65552 + 5] as number) ^ 1;
      return b;
    });
    const err = await readError(crypt, "f.bin");
    expect(err.code).toBe("Corrupt");
    expect(err.message).toBe("f.bin: failed to authenticate decrypted block 1 - bad password?");
    expect((await readError(crypt, "f.bin", { offset: 70_000, length: 10 })).code).toBe("Corrupt");
    // Blocks before the damage still read.
    const head = await toBytes(await (await crypt.newObject("f.bin")).open({ offset: 0, length: 65536 }));
    expect(head.length).toBe(65536);
  });

  it("bad magic and a truncated header are Corrupt", async () => {
    const magic = await damaged("m.txt", 10, (b) => {
      b[0] = 0;
      return b;
    });
    expect(await readError(magic, "m.txt")).toMatchObject({
      code: "Corrupt",
      message: "m.txt: not an encrypted file - bad magic string",
    });
    const short = await damaged("s.txt", 10, (b) => b.subarray(0, 20));
    expect(await readError(short, "s.txt")).toMatchObject({ code: "Corrupt", path: "s.txt" });
    expect((await short.newObject("s.txt")).size).toBe(0);
  });

  it("a file cut inside a block fails; one cut at a block boundary cannot be told (rclone #7192)", async () => {
    const cut = await damaged("c.bin", 140_000, (b) => b.subarray(0, b.length - 1000));
    expect((await readError(cut, "c.bin")).code).toBe("Corrupt");
    const boundary = await damaged("b.bin", 140_000, (b) => b.subarray(0, 32 + 2 * 65552));
    const obj = await boundary.newObject("b.bin");
    expect(obj.size).toBe(2 * 65536);
    expect((await toBytes(await obj.open())).length).toBe(2 * 65536);
  });

  it("a file that shrank after it was listed fails instead of reading short", async () => {
    const { crypt, base } = await stack();
    await crypt.put(fromBytes(new Uint8Array(140_000)), { remote: "g.bin", size: 140_000, modTime: new Date() });
    const listed = await crypt.newObject("g.bin");
    const [stored] = await base.list("");
    if (stored?.kind !== "file") throw new Error("nothing stored");
    const bytes = (await toBytes(await stored.open())).subarray(0, 32 + 65552);
    await base.put(fromBytes(bytes), { remote: stored.remote, size: bytes.length, modTime: new Date() });
    await expect(toBytes(await listed.open())).rejects.toMatchObject({ code: "Corrupt", path: "g.bin" });
  });

  it("a name too long for the wrapped remote once encrypted fails naming the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-crypt-long-"));
    try {
      const crypt = await newFs(`:crypt,remote=${quoteValue(dir)},password=${PASSWORD}:`, createContext());
      const name = `${"n".repeat(150)}.txt`;
      await expect(
        crypt.put(fromBytes(new Uint8Array(1)), { remote: `d/${name}`, size: 1, modTime: new Date() }),
      ).rejects.toMatchObject({
        path: `d/${name}`,
        message: expect.stringMatching(/file name too long .* once encrypted/),
      });
      await crypt.put(fromBytes(new Uint8Array(1)), { remote: "n".repeat(143), size: 1, modTime: new Date() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("crypt configuration", () => {
  it("refuses an empty password, as rclone does, naming the option", async () => {
    const spec = `:crypt,remote=${quoteValue(":memory:empty-password")},password=:`;
    const err = await newFs(spec, createContext()).catch((e: unknown) => e);
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    expect((err as FsError).message).toContain('option "password" is not set');
  });
});
