/**
 * Damaged stored data comes out of each overlay as `Corrupt`, with the operation, path and remote
 * the path guard adds: a crypt name, chunker metadata, a compress block and erasure headers.
 */
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { type FsError, isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { obscure } from "../../src/fs/obscure.js";
import type { Fs } from "../../src/fs/types.js";

const ctx = createContext();
const info = (remote: string, size: number) => ({ remote, size, modTime: new Date(1e12) });

/** Seeded bytes that do not compress away. */
function data(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function write(fs: Fs, remote: string, bytes: Uint8Array): Promise<void> {
  await fs.put(fromBytes(bytes), info(remote, bytes.length));
}

/** Overwrites every stored object under `fs` whose name passes `pick` with as many other bytes. */
async function damage(fs: Fs, pick: (name: string) => boolean): Promise<void> {
  for (const e of await fs.list("")) {
    if (e.kind !== "file" || !pick(e.remote)) continue;
    await write(fs, e.remote, data(e.size, 99));
  }
}

/** What reading `remote` of `fs` whole fails with. */
async function readFailure(fs: Fs, remote: string): Promise<FsError> {
  const err = await fs
    .newObject(remote)
    .then(async (o) => toBytes(await o.open()))
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(isFsError(err, "Corrupt"), String(err)).toBe(true);
  return err as FsError;
}

describe("Corrupt with its context", () => {
  it("crypt: an undecryptable name with strict_names fails the listing", async () => {
    const crypt = await newFs(
      { type: "crypt", remote: ":memory:corrupt-crypt", password: obscure("pw"), strict_names: true },
      ctx,
    );
    await write(crypt, "a.txt", data(10));
    await write(await newFs(":memory:corrupt-crypt", ctx), "not-an-encrypted-name", data(10));
    const err = await crypt.list("").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "Corrupt", op: "list", fs: crypt.toString() });
    expect((err as FsError).message).toMatch(/^not-an-encrypted-name: undecryptable file name: /);
  });

  it("chunker: metadata that does not parse", async () => {
    const chunker = await newFs({ type: "chunker", remote: ":memory:corrupt-chunker", chunk_size: 10 }, ctx);
    await write(chunker, "f", data(25));
    await write(await newFs(":memory:corrupt-chunker", ctx), "f", new TextEncoder().encode('{"ver":1,"nchunks":'));
    const err = await readFailure(chunker, "f");
    expect(err).toMatchObject({ path: "f", fs: chunker.toString() });
    expect(["newObject", "open"]).toContain(err.op);
  });

  it("compress: a gzip block that does not decode", async () => {
    const compress = await newFs({ type: "compress", remote: ":memory:corrupt-compress", mode: "gzip" }, ctx);
    await write(compress, "f", data(5000));
    await damage(await newFs(":memory:corrupt-compress", ctx), (name) => !name.endsWith(".json"));
    const err = await readFailure(compress, "f");
    expect(err).toMatchObject({ path: "f", op: "open", fs: compress.toString() });
  });

  it("erasure: shards whose headers are all damaged", async () => {
    const remotes = [0, 1, 2].map((i) => `:memory:corrupt-erasure-${i}`);
    const erasure = await newFs({ type: "erasure", remotes: remotes.join(" "), data_shards: 2, parity_shards: 1 }, ctx);
    await write(erasure, "f", data(3000));
    for (const r of remotes) await damage(await newFs(r, ctx), () => true);
    const err = await readFailure(erasure, "f");
    expect(err).toMatchObject({ path: "f", fs: erasure.toString() });
    expect(["newObject", "open"]).toContain(err.op);
  });
});
