/**
 * Filters on sync against real rclone: the same resulting trees for a few rule combinations, and
 * destination files the rules exclude are left alone (unless --delete-excluded).
 */
import { describe, expect, it } from "vitest";
import { actions, hasRclone, runBoth } from "./harness.js";

const COMBINATIONS = [
  ["--exclude", "*.log"],
  ["--exclude", "*.txt"],
  ["--include", "*.txt"],
  ["--include", "/a/**", "--include", "/extra/**"],
  ["--exclude", "extra/**", "--exclude", "a/**"],
  ["--filter", "- extra/**", "--filter", "+ *"],
  ["--filter", "+ /mod.txt", "--filter", "+ /extra/**", "--filter", "- *"],
  ["--exclude", "/c/", "--exclude", "sub/"],
  ["--min-size", "4", "--max-size", "100"],
  ["--exclude", "*.log", "--max-size", "5"],
];

describe.runIf(hasRclone)("filters on sync", () => {
  for (const rules of COMBINATIONS) {
    it(rules.join(" "), async () => {
      const p = await runBoth(["sync", "src", "dst", "-v", ...rules]);
      expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
      expect(p.strata.tree()).toEqual(p.rclone.tree());
      expect(actions(p.strata)).toEqual(actions(p.rclone));
    });
  }

  it("keeps destination files the filters exclude", async () => {
    const p = await runBoth(["sync", "src", "dst", "--exclude", "*.log"]);
    expect(p.strata.tree()).toContain("extra/keep.log 27 4e5208d7 1614834367");
    expect(p.strata.tree()).not.toContain("extra/sub/x.txt 1 9dd4e461 1614834367");
    // The directory that still holds an excluded file stays; its emptied subdirectory goes.
    expect(p.strata.tree()).toContain("extra/");
    expect(p.strata.tree()).not.toContain("extra/sub/");
    expect(p.strata.tree()).toEqual(p.rclone.tree());
  });

  it("--delete-excluded deletes them, and excluded source files stay behind", async () => {
    const p = await runBoth([
      "sync",
      "src",
      "dst",
      "--exclude",
      "*.log",
      "--exclude",
      "older.txt",
      "--delete-excluded",
    ]);
    expect(p.strata.tree().some((l) => l.includes(".log ") || l.startsWith("older.txt "))).toBe(false);
    expect(p.strata.tree()).toEqual(p.rclone.tree());
    expect(p.strata.tree("src")).toEqual(p.rclone.tree("src"));
  });
});
