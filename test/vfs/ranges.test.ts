/** The byte-range set behind sparse cache files. */
import { describe, expect, it } from "vitest";
import { Ranges } from "../../src/vfs/ranges.js";

describe("Ranges", () => {
  it("merges overlapping and adjacent spans and lists the gaps", () => {
    const r = new Ranges();
    r.add(10, 20);
    r.add(30, 40);
    r.add(20, 25);
    expect(r.missing(0, 50)).toEqual([
      { start: 0, end: 10 },
      { start: 25, end: 30 },
      { start: 40, end: 50 },
    ]);
    r.add(5, 35);
    expect(r.missing(0, 50)).toEqual([
      { start: 0, end: 5 },
      { start: 40, end: 50 },
    ]);
    expect(r.total).toBe(35);
    expect(r.missing(12, 38)).toEqual([]);
  });

  it("forgets what a truncation cut off", () => {
    const r = new Ranges();
    r.add(0, 100);
    r.clip(60);
    expect(r.missing(0, 100)).toEqual([{ start: 60, end: 100 }]);
    r.clip(0);
    expect(r.total).toBe(0);
  });
});
