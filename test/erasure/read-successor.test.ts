/**
 * A read whose version is replaced under it (docs/erasure.md, "Re-encode"): it goes on from the
 * same offset on the new version when that holds the same bytes, and fails with a `Transient`
 * error saying the file changed when it does not.
 */
import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { setLogLevel } from "../../src/fs/log.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { memoryPool, openPool, poolSpec } from "./pool-tree.js";
import { VanishingReadsFs } from "./vanishing-reads.js";

setLogLevel("ERROR");
const modTime = new Date("2024-01-02T03:04:05Z");

/** Writes `first`, reads its first segment, writes `second` through another Fs, then reads the rest. */
async function readAcrossRewrite(first: Buffer, second: Buffer): Promise<Buffer> {
  const spec = poolSpec(memoryPool(6), 4, 2);
  const writer = await openPool(spec);
  await writer.put(fromBytes(first), { remote: "f.bin", size: first.length, modTime });
  const fs = await openPool(spec);
  const reader = new ErasureFs(
    fs.name,
    fs.root,
    fs.upstreams.map((u) => new VanishingReadsFs(u)),
    fs.plan,
    fs.rs,
  );
  const body = (await (await reader.newObject("f.bin")).open())[Symbol.asyncIterator]();
  const head = await body.next();
  const chunks = [head.value as Uint8Array];
  await writer.put(fromBytes(second), { remote: "f.bin", size: second.length, modTime });
  for (let r = await body.next(); !r.done; r = await body.next()) chunks.push(r.value);
  return Buffer.concat(chunks);
}

describe("erasure: a read whose version is replaced", () => {
  it("goes on with the new version when it holds the same bytes", async () => {
    const data = seededBytes("same", 5000);
    expect((await readAcrossRewrite(data, Buffer.from(data))).equals(data)).toBe(true);
  });

  it("fails with Transient, saying the file changed, when the new version holds other bytes", async () => {
    for (const other of [seededBytes("other", 5000), seededBytes("other", 4000)]) {
      const err = await readAcrossRewrite(seededBytes("same", 5000), other).catch((e: unknown) => e);
      expect(isFsError(err, "Transient")).toBe(true);
      expect((err as Error).message).toMatch(/f\.bin: changed while being read/);
    }
  });
});
