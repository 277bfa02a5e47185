/**
 * check against real rclone on trees with matching files, differing ones (by size, and by content
 * at the same size and modtime), and files missing on either side: exit codes and the contents of
 * every report file (sorted: both tools write them as checks finish).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hasRclone, type Pair, runBoth, type Side, SRC } from "./harness.js";

const REPORTS = ["combined", "missing-on-src", "missing-on-dst", "match", "differ", "error"];
const reportArgs = REPORTS.flatMap((r) => [`--${r}`, `${r}.txt`]);

function report(side: Side, name: string): string[] {
  try {
    return readFileSync(join(side.root, `${name}.txt`), "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .sort();
  } catch {
    return ["<not written>"];
  }
}

function expectSameReports(p: Pair): void {
  expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
  for (const r of REPORTS) expect(report(p.strata, r), r).toEqual(report(p.rclone, r));
}

describe.runIf(hasRclone)("check", () => {
  it("reports every kind of difference in each report file and exits 1", async () => {
    const p = await runBoth(["check", "src", "dst", ...reportArgs]);
    expectSameReports(p);
    expect(p.strata.result.code).toBe(1);
    expect(report(p.strata, "combined")).toContain("* a/f2.bin"); // same size, other bytes: md5
    expect(report(p.strata, "combined")).toContain("* mod.txt"); // other size
    expect(report(p.strata, "combined")).toContain("+ f1.txt");
    expect(report(p.strata, "combined")).toContain("- extra.txt");
    expect(report(p.strata, "match")).toEqual(["same.txt", "touched.txt"]);
  });

  it("exits 0 on identical trees, every file matching", async () => {
    const p = await runBoth(["check", "src", "dst", ...reportArgs], { dst: SRC });
    expectSameReports(p);
    expect(p.strata.result.code).toBe(0);
    expect(report(p.strata, "match")).toHaveLength(Object.values(SRC).filter((e) => e !== null).length);
  });

  for (const flags of [
    ["--one-way"],
    ["--size-only"],
    ["--download"],
    ["--download", "--one-way"],
    ["--download", "--size-only"],
  ]) {
    it(flags.join(" "), async () => {
      const p = await runBoth(["check", "src", "dst", ...flags, ...reportArgs]);
      expectSameReports(p);
    });
  }

  it("--download finds same-size different content that --size-only cannot", async () => {
    const trees = {
      src: { "a.bin": "aaaa", "b.bin": "bbbb" },
      dst: { "a.bin": "aaaa", "b.bin": "BBBB" },
    };
    const bytes = await runBoth(["check", "src", "dst", "--download", ...reportArgs], trees);
    expectSameReports(bytes);
    expect(report(bytes.strata, "differ")).toEqual(["b.bin"]);
    expect(bytes.strata.result.code).toBe(1);
    const sizes = await runBoth(["check", "src", "dst", "--size-only", ...reportArgs], trees);
    expectSameReports(sizes);
    expect(report(sizes.strata, "differ")).toEqual([]);
    expect(sizes.strata.result.code).toBe(0);
  });

  it("a missing source directory fails as in rclone", async () => {
    const p = await runBoth(["check", "nowhere", "dst"]);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
  });
});
