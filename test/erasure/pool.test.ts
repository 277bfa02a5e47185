/**
 * Pool placement (issue 16, acceptance 1): 9 memory remotes in 3 groups of 3 with
 * redundant_groups=1, redundant_nodes=1. The 4+2 cannot meet that (6 shards over 3 groups
 * put 2 in some group; losing it and one more remote loses 3 > 2), so it is refused, and the
 * nearest shapes that can, 3+3 and 4+4, are checked exhaustively: every file reads with any whole
 * group plus any other remote gone, and the shard bytes are balanced over the 9.
 */
import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { setLogLevel } from "../../src/fs/log.js";
import { placementHolds } from "../../src/overlays/erasure/domains.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { newTallies, scanShards } from "../../src/overlays/erasure/scan.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import {
  bytesPerUpstream,
  groupsOf,
  memoryPool,
  misreads,
  openPool,
  poolSpec,
  withDead,
  writeSeededTree,
} from "./pool-tree.js";

setLogLevel("ERROR");
const REDUNDANCY = ",redundant_groups=1,redundant_nodes=1";

describe("erasure pool placement", () => {
  it("refuses 4+2 over 3 groups of 3 with redundant_groups=1, redundant_nodes=1, giving the arithmetic", async () => {
    const pool = memoryPool(9);
    const err = await openPool(poolSpec(pool, 4, 2, groupsOf(pool, 3) + REDUNDANCY)).catch((e: unknown) => e);
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    expect((err as Error).message).toContain(
      'option "redundant_nodes" cannot be met: the 6 shards of a file (data_shards + parity_shards) spread as ' +
        "evenly as possible over 3 group(s) of 3, 3, 3 remote(s) put 2, 2, 2 in them; losing the 1 group(s) " +
        "holding most (2 shards) and 1 more remote(s) (1 shards) loses 3 shards, but parity_shards is 2",
    );
  });

  for (const [k, m] of [
    [3, 3],
    [4, 4],
  ] as const) {
    it(`${k}+${m} over 9 remotes in 3 groups: 200 files read with any group and one more remote gone; bytes balanced`, async () => {
      const pool = memoryPool(9);
      const fs = await openPool(poolSpec(pool, k, m, groupsOf(pool, 3) + REDUNDANCY));
      const files = await writeSeededTree(fs, 200, 2500);

      // Every file's shards are on k + m distinct remotes, spread so the constraints hold.
      for await (const dir of scanShards(fs, newTallies(fs))) {
        for (const f of dir.files) {
          expect(f.versions).toHaveLength(1);
          expect(placementHolds(f.current?.homes ?? [], m, fs.plan.domains), f.remote).toBe(true);
        }
      }
      const bytes = await bytesPerUpstream(fs);
      const mean = bytes.reduce((a, b) => a + b, 0) / bytes.length;
      for (const b of bytes) expect(Math.abs(b - mean) / mean).toBeLessThan(0.1);

      let combinations = 0;
      for (const group of fs.plan.domains.groups) {
        for (let other = 0; other < 9; other++) {
          if (group.includes(other)) continue;
          const dead = new Set([...group, other]);
          expect(await misreads(withDead(fs, dead), files), [...dead].join(",")).toEqual([]);
          combinations++;
        }
      }
      expect(combinations).toBe(18);
    });
  }

  it("rebuild puts the shards of a lost remote where the groups still hold, on remotes that answer", async () => {
    const pool = memoryPool(9);
    const fs = await openPool(poolSpec(pool, 3, 3, groupsOf(pool, 3) + REDUNDANCY));
    const files = await writeSeededTree(fs, 30, 2500);
    const lost = withDead(fs, new Set([4]));
    const report = await rebuildErasure(lost);
    expect(report.rebuilt.length).toBeGreaterThan(0);
    for await (const dir of scanShards(lost, newTallies(lost))) {
      for (const f of dir.files) {
        const homes = f.current?.homes ?? [];
        expect(homes, f.remote).not.toContain(4);
        expect(placementHolds(homes, 3, fs.plan.domains), f.remote).toBe(true);
      }
    }
    expect(await verifyErasure(lost)).toMatchObject({ files: 30, degraded: [], unreadable: [] });
    expect(await misreads(withDead(fs, new Set([4, 0, 1, 2])), files)).toEqual([]);
  });

  it("skips an upstream that cannot be reached: uploads go to the others, and read back", async () => {
    const pool = memoryPool(7);
    const fs = withDead(await openPool(poolSpec(pool, 3, 2)), new Set([2]));
    const files = await writeSeededTree(fs, 20, 3000);
    const bytes = await bytesPerUpstream(fs);
    expect(bytes[2]).toBe(0);
    expect(bytes.filter((b) => b > 0)).toHaveLength(6);
    expect(await misreads(fs, files)).toEqual([]);
  });
});
