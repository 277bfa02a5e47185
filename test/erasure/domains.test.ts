/** The failure-domain arithmetic (domains.ts) placement and the configuration check rely on. */
import { describe, expect, it } from "vitest";
import { placementHolds, spreadCounts, withinRedundancy, worstLoss } from "../../src/overlays/erasure/domains.js";

/** Every way to put `n` shards in groups holding at most `caps[g]` each. */
function* splits(n: number, caps: readonly number[]): Generator<number[]> {
  if (caps.length === 0) {
    if (n === 0) yield [];
    return;
  }
  const [first, ...rest] = caps as [number, ...number[]];
  for (let c = 0; c <= Math.min(first, n); c++) for (const tail of splits(n - c, rest)) yield [c, ...tail];
}

describe("erasure failure domains", () => {
  it("spreads shards so no other split loses fewer to any allowed loss (exhaustive over small shapes)", () => {
    const shapes = [
      [3, 3, 3],
      [2, 3, 1, 4],
      [1, 1, 1, 1, 1],
      [4, 2],
      [3, 3, 2, 1],
    ];
    for (const caps of shapes) {
      const total = caps.reduce((a, b) => a + b, 0);
      for (let n = 1; n <= total; n++) {
        const spread = spreadCounts(n, caps) as number[];
        expect(spread.reduce((a, b) => a + b, 0)).toBe(n);
        for (let redundantGroups = 0; redundantGroups <= caps.length; redundantGroups++) {
          for (const redundantNodes of [0, 1, 2]) {
            const d = { redundantGroups, redundantNodes };
            const best = Math.min(...[...splits(n, caps)].map((s) => worstLoss(s, d).total));
            expect(worstLoss(spread, d).total, `${caps} n=${n} ${redundantGroups}+${redundantNodes}`).toBe(best);
          }
        }
      }
      expect(spreadCounts(total + 1, caps)).toBeUndefined();
    }
  });

  it("counts shards already held, and reports each choice in order", () => {
    const placed: number[] = [];
    expect(spreadCounts(3, [2, 2, 2], { start: [2, 0, 0], place: (g) => placed.push(g) })).toEqual([2, 2, 1]);
    expect(placed).toEqual([1, 2, 1]);
  });

  it("judges placements and losses against the groups", () => {
    const d = {
      groups: [
        [0, 1, 2],
        [3, 4, 5],
        [6, 7, 8],
      ],
      redundantGroups: 1,
      redundantNodes: 1,
    };
    expect(placementHolds([0, 1, 3, 4, 6, 7], 3, d)).toBe(true);
    expect(placementHolds([0, 1, 2, 3, 4, 6], 3, d)).toBe(false);
    expect(placementHolds([0, 0, 3, 4, 6, 7], 3, d)).toBe(false);
    expect(withinRedundancy(new Set([3, 4, 5, 0]), d)).toBe(true);
    expect(withinRedundancy(new Set([3, 4, 0, 1]), d)).toBe(false);
  });
});
