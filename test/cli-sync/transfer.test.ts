/**
 * sync, copy, move, copyto and moveto against real rclone: the same trees (a source and a
 * pre-populated destination with extra, modified and identical files) end up the same with both
 * tools, to the second, with the same exit codes and the same files reported copied or deleted.
 */
import { describe, expect, it } from "vitest";
import { actions, hasRclone, type Pair, runBoth, SRC, transferred } from "./harness.js";

function expectSameOutcome(p: Pair, trees: string[] = ["dst"]): void {
  expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
  for (const t of trees) expect(p.strata.tree(t), t).toEqual(p.rclone.tree(t));
}

/** Drops `x: Deleted` where `x` was also moved server-side (rclone's delete of the file it replaces). */
function withoutReplacedDeletes(lines: string[]): string[] {
  const moved = new Set(lines.filter((l) => l.includes(": Moved (server-side)")).map((l) => l.split(": Moved")[0]));
  return lines.filter((l) => !(l.endsWith(": Deleted") && moved.has(l.slice(0, -": Deleted".length))));
}

describe.runIf(hasRclone)("sync and copy", () => {
  it("sync makes the destination the source, deleting extras and their directories", async () => {
    const p = await runBoth(["sync", "src", "dst", "-v"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.rclone.result.code).toBe(0);
    expect(p.strata.tree()).not.toContain("extra/");
    expect(actions(p.strata)).toEqual(actions(p.rclone));
  });

  it("copy adds and replaces but never deletes", async () => {
    const p = await runBoth(["copy", "src", "dst", "-v"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.strata.tree()).toContain("extra/sub/x.txt 1 9dd4e461 1614834367");
    expect(actions(p.strata)).toEqual(actions(p.rclone));
  });

  it("copy into a destination that does not exist yet", async () => {
    const p = await runBoth(["copy", "src", "new/dst", "-v"], { dst: undefined });
    expectSameOutcome(p, ["new"]);
    expect(transferred(p.strata)).toEqual(transferred(p.rclone));
  });

  it("a sync of identical trees transfers nothing", async () => {
    const p = await runBoth(["sync", "src", "dst", "-v"], { dst: SRC });
    expectSameOutcome(p);
    expect(transferred(p.strata)).toEqual([]);
    expect(transferred(p.rclone)).toEqual([]);
  });
});

describe.runIf(hasRclone)("move", () => {
  it("moves what differs, deletes identical sources, leaves empty source directories", async () => {
    const p = await runBoth(["move", "src", "dst", "-v"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.strata.tree("src")).toContain("a/b/");
    // Before a server-side move over an existing file rclone deletes (and logs) that file; strata's
    // move replaces it in one step. Apart from those lines both report the same.
    expect(withoutReplacedDeletes(actions(p.strata))).toEqual(withoutReplacedDeletes(actions(p.rclone)));
  });

  it("--delete-empty-src-dirs removes the emptied source directories", async () => {
    const p = await runBoth(["move", "src", "dst", "--delete-empty-src-dirs"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.strata.tree("src")).toEqual([]);
  });

  it("--ignore-existing moves only new files and keeps sources whose destination exists", async () => {
    const p = await runBoth(["move", "src", "dst", "--ignore-existing"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.strata.tree("src")).toContain("same.txt 12 793953ee 1614834367");
  });
});

describe.runIf(hasRclone)("copyto and moveto", () => {
  it("copyto copies a file to a new name in a new directory", async () => {
    const p = await runBoth(["copyto", "src/f1.txt", "dst/new/name.txt", "-v"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(actions(p.strata)).toEqual(["f1.txt: Copied (new) to: name.txt"]);
    expect(actions(p.rclone)).toEqual(actions(p.strata));
  });

  it("copyto skips an identical destination and replaces a different one", async () => {
    for (const [from, to] of [
      ["src/same.txt", "dst/same.txt"],
      ["src/mod.txt", "dst/mod.txt"],
      ["src/older.txt", "dst/renamed.txt"],
    ] as const) {
      const p = await runBoth(["copyto", from, to, "-v"]);
      expectSameOutcome(p);
      expect(actions(p.strata), from).toEqual(actions(p.rclone));
    }
  });

  it("copyto fixes only the modtime of a file with the same bytes", async () => {
    const p = await runBoth(["copyto", "src/touched.txt", "dst/touched.txt", "-v"]);
    expectSameOutcome(p);
    expect(actions(p.strata)).toEqual(["touched.txt: Updated modification time in destination"]);
  });

  it("moveto renames into the destination, or only deletes the source when identical", async () => {
    for (const [from, to] of [
      ["src/mod.txt", "dst/moved/mod2.txt"],
      ["src/mod.txt", "dst/mod.txt"],
      ["src/same.txt", "dst/same.txt"],
      ["src/a/f2.bin", "dst/a/f2.bin"],
    ] as const) {
      const p = await runBoth(["moveto", from, to, "-v"]);
      expectSameOutcome(p, ["dst", "src"]);
      expect(withoutReplacedDeletes(actions(p.strata)), from).toEqual(withoutReplacedDeletes(actions(p.rclone)));
    }
  });

  it("moveto --ignore-existing keeps the source when the destination exists", async () => {
    const p = await runBoth(["moveto", "src/older.txt", "dst/older.txt", "--ignore-existing"]);
    expectSameOutcome(p, ["dst", "src"]);
    expect(p.strata.tree("src").filter((l) => l.startsWith("older.txt "))).toHaveLength(1);
  });
});
