/**
 * Re-encode (issue 16, acceptance 2): 200 files written as 4+2 over a pool of 9 memory remotes
 * become 6+3 while readers through the old and the new configuration read random files; no read
 * fails, and afterwards every file is 6+3 and verifies clean.
 */
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { setLogLevel } from "../../src/fs/log.js";
import type { Fs } from "../../src/fs/types.js";
import { parseShardName } from "../../src/overlays/erasure/format.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { reencodeErasure } from "../../src/overlays/erasure/reencode.js";
import { newTallies, scanShards } from "../../src/overlays/erasure/scan.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import { memoryPool, misreads, openPool, poolSpec, writeSeededTree } from "./pool-tree.js";
import { VanishingReadsFs } from "./vanishing-reads.js";

setLogLevel("ERROR");

/** Reads random files of `files` through `fs` until `stop` is set; every mismatch or error is recorded. */
async function readLoop(
  fs: Fs,
  files: Map<string, Buffer>,
  seed: number,
  stop: { done: boolean },
  failures: string[],
): Promise<number> {
  const random = seededRandom(seed);
  const names = [...files.keys()];
  let reads = 0;
  while (!stop.done) {
    const remote = names[Math.floor(random() * names.length)] as string;
    try {
      const body = await (await fs.newObject(remote)).open();
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) {
        chunks.push(chunk);
        // Yield between segments, so re-encodes land in the middle of reads.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!Buffer.concat(chunks).equals(files.get(remote) as Buffer)) failures.push(`${remote}: other bytes`);
    } catch (err) {
      failures.push(`${remote}: ${(err as Error).message}`);
    }
    reads++;
  }
  return reads;
}

describe("erasure rebuild --reencode", () => {
  it("moves 200 files from 4+2 to 6+3 over a pool of 9 while readers on both configurations read", async () => {
    const pool = memoryPool(9);
    const oldSpec = poolSpec(pool, 4, 2);
    const newSpec = poolSpec(pool, 6, 3);
    const files = await writeSeededTree(await openPool(oldSpec), 200, 4000);
    // The readers' upstreams stop a read of a shard once it is removed, so reads caught by a re-encode
    // must go on with the new version.
    const [oldReader, newReader] = (await Promise.all([oldSpec, newSpec].map(openPool))).map(
      (fs) =>
        new ErasureFs(
          fs.name,
          fs.root,
          fs.upstreams.map((u) => new VanishingReadsFs(u)),
          fs.plan,
          fs.rs,
        ),
    );
    const target = await openPool(newSpec);

    const stop = { done: false };
    const failures: string[] = [];
    const readers = [
      readLoop(oldReader as Fs, files, 1, stop, failures),
      readLoop(newReader as Fs, files, 2, stop, failures),
    ];
    const report = await reencodeErasure(target).finally(() => {
      stop.done = true;
    });
    const reads = await Promise.all(readers);
    expect(failures).toEqual([]);
    expect(report.files).toBe(200);
    expect(report.reencoded).toHaveLength(200);
    expect(reads.every((r) => r > 0)).toBe(true);

    for await (const dir of scanShards(target, newTallies(target))) {
      for (const f of dir.files) {
        expect(f.versions, f.remote).toHaveLength(1);
        expect(f.current).toMatchObject({ k: 6, m: 3, format: 2 });
        for (const obj of f.current?.shards ?? [])
          expect(parseShardName(obj?.remote.split("/").pop() ?? "")).toMatchObject({ k: 6, m: 3 });
      }
    }
    expect(await verifyErasure(target)).toMatchObject({ files: 200, degraded: [], unreadable: [] });
    expect(await misreads(await openPool(oldSpec), files)).toEqual([]);
    // Files already matching are skipped.
    expect((await reencodeErasure(await openPool(newSpec))).reencoded).toEqual([]);
  });
});
