/**
 * A server-side copy between crypt remotes must not spread damaged data: the source is
 * authenticated block by block before the wrapped remote copies it, and a file that fails is
 * reported and not copied (issue 15, item 2). A server-side move does not read the source (as
 * rclone): it neither adds nor changes a stored byte.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { copyFile, moveFile } from "../../src/fs/operations/copy.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { makeTree, strata } from "../commands/run-cli.js";
import { cryptOver } from "../crypt/stack.js";
import { tempDirs } from "../temp-dirs.js";

const tempDir = tempDirs("strata-crypt-server-copy-");
/** "hunter2", obscured. */
const HUNTER2 = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";
const HEADER = 32;
const SEALED_BLOCK = 65_536 + 16;

function content(seed: number, size: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
}

/** Flips one bit of the stored file at `at`. */
function flip(path: string, at: number): void {
  const bytes = readFileSync(path);
  bytes[at] = (bytes[at] as number) ^ 0x04;
  writeFileSync(path, bytes);
}

describe("strata copy between two crypt remotes over one local remote", () => {
  it("fails on a damaged file, names it, and copies nothing of it", async () => {
    const root = tempDir();
    const config = join(root, "strata.conf");
    writeFileSync(
      config,
      [
        "[disk]\ntype = local\n",
        `[cr]\ntype = crypt\nremote = disk:${root}/a\npassword = ${HUNTER2}\n`,
        `[cr2]\ntype = crypt\nremote = disk:${root}/b\npassword = ${HUNTER2}\n`,
      ].join("\n"),
    );
    const cli = (...args: string[]) => strata(["--config", config, ...args]);
    const src = makeTree({ "good.txt": "fine\n", "bad.bin": content(1, 200_000) });
    expect((await cli("copy", src, "cr:")).code).toBe(0);
    const stored = (await cli("cryptdecode", "--reverse", "cr:", "bad.bin")).stdout.split(" \t ")[1]?.trim();
    flip(join(root, "a", stored as string), HEADER + SEALED_BLOCK + 100);

    const run = await cli("copy", "cr:", "cr2:", "-v");
    expect(run.code, run.stderr).not.toBe(0);
    expect(run.stderr).toMatch(/bad\.bin: .*failed to authenticate decrypted block 1/);
    expect((await cli("lsf", "cr2:")).stdout).toBe("good.txt\n");
    expect(readdirSync(join(root, "b"))).toHaveLength(1);
  });
});

describe("crypt server-side copy and move", () => {
  /** Two crypt remotes with the same keys over two directories of one memory store, and that store. */
  async function setup(other?: { password: string }) {
    const ctx = createContext();
    const store = `:memory:crypt-ssc-${Math.random().toString(36).slice(2)}`;
    const raw = await newFs(store, ctx);
    const a = await cryptOver(await newFs(`${store}/a`, ctx));
    const b = await cryptOver(await newFs(`${store}/b`, ctx), other);
    return { raw, a, b };
  }

  /** Writes `data` as `remote` on `fs`. */
  const write = (fs: Fs, remote: string, data: Uint8Array) =>
    fs.put(fromBytes(data), { remote, size: data.length, modTime: new Date() });

  const read = async (fs: Fs, remote: string) => Buffer.from(await toBytes(await (await fs.newObject(remote)).open()));

  /** Replaces the one stored file under `dir` of `raw` with `damage` of its bytes. */
  async function damage(raw: Fs, dir: string, fn: (b: Uint8Array) => Uint8Array): Promise<void> {
    const [stored] = await raw.list(dir);
    if (stored?.kind !== "file") throw new Error("nothing stored");
    const bytes = fn(Uint8Array.from(await toBytes(await stored.open())));
    await raw.put(fromBytes(bytes), { remote: stored.remote, size: bytes.length, modTime: new Date() });
  }

  const flipAt = (at: number) => (b: Uint8Array) => {
    b[at] = (b[at] as number) ^ 0x80;
    return b;
  };

  it("copies a good file server-side", async () => {
    const { a, b } = await setup();
    const data = content(2, 150_000);
    await write(a, "f", data);
    let serverSide = false;
    await copyFile(await a.newObject("f"), b, "g", { onServerSide: () => (serverSide = true) });
    expect(serverSide).toBe(true);
    expect((await read(b, "g")).equals(Buffer.from(data))).toBe(true);
  });

  it.each([
    ["a flipped bit in the last block", flipAt(HEADER + 2 * SEALED_BLOCK + 7)],
    ["a flipped bit in the nonce", flipAt(20)],
    ["a bad magic", flipAt(3)],
    ["a cut inside a block", (b: Uint8Array) => b.subarray(0, b.length - 500)],
    ["a cut inside the header", (b: Uint8Array) => b.subarray(0, 20)],
    ["garbage appended", (b: Uint8Array) => Uint8Array.from([...b, 1, 2, 3])],
  ])("refuses to copy a file with %s, keeping what the destination had", async (_what, fn) => {
    const { raw, a, b } = await setup();
    await write(a, "f", content(3, 150_000));
    const old = content(4, 1000);
    await write(b, "f", old);
    await damage(raw, "a", fn);
    let serverSide = false;
    await expect(
      copyFile(await a.newObject("f"), b, "f", { onServerSide: () => (serverSide = true) }),
    ).rejects.toMatchObject({ code: "Corrupt", path: "f" });
    expect(serverSide).toBe(false);
    expect((await read(b, "f")).equals(Buffer.from(old))).toBe(true);
    expect(await raw.list("b")).toHaveLength(1);
  });

  it("copies a file cut exactly at a block boundary, which the format cannot tell (rclone #7192)", async () => {
    const { raw, a, b } = await setup();
    const data = content(5, 150_000);
    await write(a, "f", data);
    await damage(raw, "a", (bytes) => bytes.subarray(0, HEADER + 2 * SEALED_BLOCK));
    await copyFile(await a.newObject("f"), b, "f");
    expect((await read(b, "f")).equals(Buffer.from(data.subarray(0, 2 * 65_536)))).toBe(true);
  });

  it("a copy to a remote with another key streams, and fails on the damaged file", async () => {
    const { raw, a, b } = await setup({ password: "pepper" });
    await write(a, "f", content(6, 100_000));
    await damage(raw, "a", flipAt(HEADER + 10));
    let serverSide = false;
    await expect(
      copyFile(await a.newObject("f"), b, "f", { onServerSide: () => (serverSide = true) }),
    ).rejects.toMatchObject({ code: "Corrupt", path: "f" });
    expect(serverSide).toBe(false);
    expect((await raw.list("")).map((e) => e.remote)).toEqual(["a"]);
  });

  it("moves a damaged file server-side without reading it, its stored bytes unchanged (as rclone)", async () => {
    const { raw, a, b } = await setup();
    await write(a, "f", content(7, 100_000));
    await damage(raw, "a", flipAt(HEADER + 10));
    const [before] = await raw.list("a");
    const stored = await toBytes(await (before as FsObject).open());
    let serverSide = false;
    await moveFile(await a.newObject("f"), b, "f", { onServerSide: () => (serverSide = true) });
    expect(serverSide).toBe(true);
    expect(await raw.list("a")).toEqual([]);
    const [after] = await raw.list("b");
    expect(Buffer.from(await toBytes(await (after as FsObject).open())).equals(Buffer.from(stored))).toBe(true);
    await expect(read(b, "f")).rejects.toMatchObject({ code: "Corrupt", path: "f" });
  });
});
