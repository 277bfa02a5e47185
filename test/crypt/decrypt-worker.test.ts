/** Decryption in a worker thread: the same plaintext as in-thread, in order, failing where in-thread fails. */
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { closeIdleWorkers, runningWorkers } from "../../src/fs/worker-pool.js";
import {
  BLOCK_BYTES,
  decryptBlocks,
  encryptBody,
  HEADER_BYTES,
  SEALED_BLOCK_BYTES,
  sealedRuns,
} from "../../src/overlays/crypt/cipher.js";
import { decryptInWorker, WORKER_DECRYPT_THRESHOLD } from "../../src/overlays/crypt/decrypt-worker.js";
import { loadSecretBox } from "../../src/overlays/crypt/secretbox.js";

const box = await loadSecretBox("native");
const key = new Uint8Array(32).fill(7);
const nonce = Uint8Array.from({ length: 24 }, (_, i) => 250 + i);
const random = seededRandom(18);
const plain = Uint8Array.from({ length: 3 * 16 * BLOCK_BYTES + 12_345 }, () => Math.floor(random() * 256));
const stored = await toBytes(encryptBody(fromBytes(plain), key, nonce, box));
const sealed = stored.subarray(HEADER_BYTES);

/** `bytes` in chunks of seeded sizes (up to 3 MiB), each a copy the reader owns. */
async function* chunked(bytes: Uint8Array, seed: number): AsyncGenerator<Uint8Array> {
  const next = seededRandom(seed);
  for (let at = 0; at < bytes.length; ) {
    const n = 1 + Math.floor(next() * 3 * 2 ** 20);
    yield bytes.slice(at, at + n);
    at += n;
  }
}

function inWorker(body: AsyncIterable<Uint8Array>, first = 0): AsyncGenerator<Uint8Array> {
  const out = decryptInWorker(sealedRuns(body, first, "f"), key, nonce, "f");
  if (!out) throw new Error("no worker free");
  return out;
}

/** The bytes a body gave before it failed, and its error. */
/** Whether `got` holds exactly `want`'s bytes (a deep equality over MiBs takes vitest minutes). */
const same = (got: Uint8Array, want: Uint8Array) => Buffer.compare(got, want) === 0;

async function readUntilError(body: AsyncIterable<Uint8Array>): Promise<{ got: Uint8Array; err: unknown }> {
  const parts: Uint8Array[] = [];
  try {
    for await (const part of body) parts.push(Uint8Array.from(part));
  } catch (err) {
    return { got: Buffer.concat(parts), err };
  }
  throw new Error("read did not fail");
}

afterAll(closeIdleWorkers);

describe("decryptInWorker", () => {
  it.each([1, 2, 3])("gives the plaintext in order whatever the chunking (seed %i)", async (seed) => {
    expect(same(await toBytes(inWorker(chunked(sealed, seed))), plain)).toBe(true);
  });

  it("starts at a later block with that block's nonce", async () => {
    const from = 5;
    const body = inWorker(chunked(sealed.subarray(from * SEALED_BLOCK_BYTES), 4), from);
    expect(same(await toBytes(body), plain.subarray(from * BLOCK_BYTES))).toBe(true);
  });

  it("fails with Corrupt naming the damaged block, after a correct prefix ending at a block boundary", async () => {
    for (const bad of [0, 17, 40]) {
      const damaged = Uint8Array.from(sealed);
      damaged[bad * SEALED_BLOCK_BYTES + 100] ^= 1;
      const worker = await readUntilError(inWorker(chunked(damaged, bad)));
      const thread = await readUntilError(decryptBlocks(chunked(damaged, bad), key, nonce, 0, box, "f"));
      for (const { got, err } of [worker, thread]) {
        expect(isFsError(err, "Corrupt")).toBe(true);
        expect((err as Error).message).toBe(`f: failed to authenticate decrypted block ${bad} - bad password?`);
        expect(got.length % BLOCK_BYTES).toBe(0);
        expect(got.length).toBeLessThanOrEqual(bad * BLOCK_BYTES);
        expect(same(got, plain.subarray(0, got.length))).toBe(true);
      }
    }
  });

  it("fails with Corrupt for a truncated last block", async () => {
    const cut = sealed.subarray(0, 2 * SEALED_BLOCK_BYTES + 10);
    const { err } = await readUntilError(inWorker(chunked(cut, 5)));
    expect(isFsError(err, "Corrupt")).toBe(true);
    expect((err as Error).message).toMatch(/truncated block header \(block 2\)/);
  });

  it("passes the input's error on, stops the input when the reader stops, and the worker serves again", async () => {
    const failing = (async function* () {
      yield* chunked(sealed.subarray(0, 20 * SEALED_BLOCK_BYTES), 6);
      throw new Error("disk gone");
    })();
    expect(((await readUntilError(inWorker(failing))).err as Error).message).toBe("disk gone");

    let closed = false;
    const watched = (async function* () {
      try {
        yield* chunked(sealed, 7);
      } finally {
        closed = true;
      }
    })();
    let read = 0;
    for await (const part of inWorker(watched)) {
      read += part.length;
      if (read > 20 * BLOCK_BYTES) break;
    }
    expect(read).toBeLessThan(plain.length);
    expect(closed).toBe(true);
    const running = runningWorkers();
    expect(same(await toBytes(inWorker(chunked(sealed, 8))), plain)).toBe(true);
    expect(runningWorkers()).toBe(running);
  });

  it("serves a large crypt read through the Fs, whole and ranged", async () => {
    const ctx = createContext();
    const crypt = await newFs(":crypt,remote=':memory:decrypt-worker',password=AAECAwQFBgcICQoLDA0OD2nqCVFioHI:", ctx);
    const size = WORKER_DECRYPT_THRESHOLD + 3 * BLOCK_BYTES + 99;
    const big = new Uint8Array(size);
    for (let at = 0; at < size; at += plain.length - 1) big.set(plain.subarray(0, size - at), at);
    const obj = await crypt.put(fromBytes(big), { remote: "big.bin", size, modTime: new Date() });
    await closeIdleWorkers();
    expect(same(await toBytes(await obj.open()), big)).toBe(true);
    expect(runningWorkers()).toBe(1);
    const range = { offset: BLOCK_BYTES + 5, length: size - 2 * BLOCK_BYTES };
    expect(same(await toBytes(await obj.open(range)), big.subarray(range.offset, range.offset + range.length))).toBe(
      true,
    );
  });

  it("leaves no worker running once idle workers are closed", async () => {
    await toBytes(inWorker(chunked(sealed, 9)));
    expect(runningWorkers()).toBeGreaterThan(0);
    await closeIdleWorkers();
    await expect.poll(runningWorkers).toBe(0);
  });
});
