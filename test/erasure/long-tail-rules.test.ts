/** The long tail's rules alone: defaults of happy and optimal, grace, stall allowance, hedge deadline. */
import { describe, expect, it } from "vitest";
import { storedShardTargets } from "../../src/overlays/erasure/options.js";
import {
  GRACE_FLOOR_MS,
  GRACE_FRACTION,
  graceMs,
  HEDGE_FLOOR_MS,
  hedgeDeadlineMs,
  settlesWithin,
  stallBudgetMs,
} from "../../src/overlays/erasure/tail.js";

describe("happy and optimal", () => {
  it("default to k + ceil(m/2), and an explicit value of one sets the other's default", () => {
    expect(storedShardTargets(4, 2, 0, 0)).toEqual({ happy: 5, optimal: 5 });
    expect(storedShardTargets(4, 4, 0, 0)).toEqual({ happy: 6, optimal: 6 });
    expect(storedShardTargets(10, 3, 0, 0)).toEqual({ happy: 12, optimal: 12 });
    expect(storedShardTargets(3, 0, 0, 0)).toEqual({ happy: 3, optimal: 3 });
    expect(storedShardTargets(4, 1, 0, 0)).toEqual({ happy: 5, optimal: 5 });
    // happy = n is the old strictness; optimal follows it up.
    expect(storedShardTargets(4, 2, 6, 0)).toEqual({ happy: 6, optimal: 6 });
    expect(storedShardTargets(3, 2, 3, 0)).toEqual({ happy: 3, optimal: 4 });
    expect(storedShardTargets(4, 4, 0, 7)).toEqual({ happy: 7, optimal: 7 });
    expect(storedShardTargets(4, 4, 5, 8)).toEqual({ happy: 5, optimal: 8 });
  });
});

describe("upload grace", () => {
  it("is the floor for short uploads and a share of the time taken for long ones", () => {
    expect(graceMs(0)).toBe(GRACE_FLOOR_MS);
    expect(graceMs(100)).toBe(GRACE_FLOOR_MS);
    expect(graceMs(10_000)).toBe(GRACE_FRACTION * 10_000);
  });

  it("lets a shard stall the encoder by the floor, then by its share of the elapsed time, counted in all", () => {
    expect(stallBudgetMs(0, 0)).toBe(GRACE_FLOOR_MS);
    expect(stallBudgetMs(50, 150)).toBe(GRACE_FLOOR_MS - 150);
    expect(stallBudgetMs(100, GRACE_FLOOR_MS)).toBe(0);
    // Waiting w more at elapsed e: stalled + w = FRACTION × (e + w).
    const [e, stalled] = [10_000, 1000];
    const w = stallBudgetMs(e, stalled);
    expect(stalled + w).toBeCloseTo(GRACE_FRACTION * (e + w), 6);
    // A shard that already held the upload up by its share is cut off at once.
    expect(stallBudgetMs(10_000, GRACE_FRACTION * 10_000 + 1)).toBe(0);
  });
});

describe("read hedging", () => {
  it("declares a piece late at twice the median of its segment's others, never sooner than the floor", () => {
    expect(hedgeDeadlineMs([])).toBeUndefined();
    expect(hedgeDeadlineMs([1, 2, 3])).toBe(HEDGE_FLOOR_MS);
    expect(hedgeDeadlineMs([100, 40, 70])).toBe(140);
    expect(hedgeDeadlineMs([100, 40, 70, 1000])).toBe(170);
  });
});

describe("settlesWithin", () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

  it("answers whether the promise settled in time, and leaves no timer behind", async () => {
    const before = timers();
    expect(await settlesWithin(Promise.resolve(), 10_000)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error("x")), 10_000)).toBe(true);
    expect(await settlesWithin(new Promise(() => {}), 5)).toBe(false);
    expect(timers()).toBe(before);
  });
});
