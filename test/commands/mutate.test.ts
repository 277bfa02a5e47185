/**
 * mkdir, rmdir, rmdirs, purge, delete, deletefile and touch: each runs on one copy of a tree and real
 * rclone on another; the trees afterwards (names, sizes, modtimes), exit codes and --dry-run notices
 * must agree. Where strata's exit codes differ from rclone's on purpose the test says so.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CliResult,
  hasRclone,
  makeTree,
  rclone,
  removeTree,
  STANDARD,
  snapshot,
  strata,
  stripStamps,
  type TreeSpec,
} from "./run-cli.js";

const MUTABLE: TreeSpec = { ...STANDARD, "e1/e2/e3": null, "a/emptysub": null };

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

function tree(spec: TreeSpec = MUTABLE): string {
  const r = makeTree(spec);
  roots.push(r);
  return r;
}

/** Log lines without timestamps, with the tree's root replaced by ROOT, sorted. */
function logLines(r: CliResult, root: string): string[] {
  return stripStamps(r.stderr)
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split(root).join("ROOT"))
    .sort();
}

interface Both {
  ours: CliResult;
  theirs?: CliResult;
  oursRoot: string;
  theirsRoot?: string;
}

/**
 * Runs strata and rclone with `args` on two copies of `spec`; expects equal trees afterwards and, unless
 * `codes` says otherwise, equal exit codes.
 */
async function both(
  args: (root: string) => string[],
  options: { spec?: TreeSpec; logs?: boolean } = {},
): Promise<Both> {
  const oursRoot = tree(options.spec);
  const ours = await strata(args(oursRoot));
  if (!hasRclone) return { ours, oursRoot };
  const theirsRoot = tree(options.spec);
  const theirs = await rclone(args(theirsRoot));
  expect(snapshot(oursRoot)).toEqual(snapshot(theirsRoot));
  if (options.logs) expect(logLines(ours, oursRoot)).toEqual(logLines(theirs, theirsRoot));
  return { ours, theirs, oursRoot, theirsRoot };
}

describe("mkdir", () => {
  it("makes the path and its parents", async () => {
    const { ours, theirs, oursRoot } = await both((r) => ["mkdir", join(r, "new/deep")]);
    expect(ours.code).toBe(0);
    expect(theirs?.code ?? 0).toBe(0);
    expect(snapshot(oursRoot)).toContain("new/deep/");
  });
  it("changes nothing with --dry-run and logs rclone's notice", async () => {
    const { ours, oursRoot } = await both((r) => ["mkdir", "--dry-run", join(r, "new2")], { logs: true });
    expect(snapshot(oursRoot)).not.toContain("new2/");
    expect(logLines(ours, oursRoot)).toEqual([
      "NOTICE: Local file system at ROOT/new2: Skipped make directory as --dry-run is set",
    ]);
  });
});

describe("rmdir", () => {
  it("removes an empty directory", async () => {
    const { ours, oursRoot } = await both((r) => ["rmdir", join(r, "empty")]);
    expect(ours.code).toBe(0);
    expect(snapshot(oursRoot)).not.toContain("empty/");
  });
  it("keeps it with -n", async () => {
    const { oursRoot } = await both((r) => ["rmdir", "-n", join(r, "empty")], { logs: true });
    expect(snapshot(oursRoot)).toContain("empty/");
  });
  it("fails on a directory with files (exit 2; rclone's uncategorised 1) and a missing one (exit 3)", async () => {
    const full = await both((r) => ["rmdir", join(r, "a")]);
    expect(full.ours.code).toBe(2);
    expect(full.ours.stderr).toContain("directory not empty");
    const missing = await both((r) => ["rmdir", join(r, "nope")]);
    expect(missing.ours.code).toBe(3);
  });
});

describe("rmdirs", () => {
  it("removes empty directories deepest first and keeps the others", async () => {
    const { ours, theirs, oursRoot } = await both((r) => ["rmdirs", r]);
    expect(ours.code).toBe(0);
    expect(ours.code).toBe(theirs?.code ?? 0);
    expect(snapshot(oursRoot).filter((p) => p.endsWith("/"))).toEqual(["a/", "a/b/", "c/"]);
  });
  it("logs each directory with -v as rclone", async () => {
    await both((r) => ["rmdirs", "-v", r], { logs: true });
  });
  it("removes the root when it ends up empty, unless --leave-root", async () => {
    const spec = { "x/y": null, z: null };
    const gone = await both((r) => ["rmdirs", r], { spec });
    expect(snapshot(gone.oursRoot)).toEqual(["<missing>"]);
    const kept = await both((r) => ["rmdirs", "--leave-root", r], { spec });
    expect(snapshot(kept.oursRoot)).toEqual([]);
  });
  it("only reports with --dry-run", async () => {
    const { ours, oursRoot } = await both((r) => ["rmdirs", "--dry-run", r], { logs: true });
    expect(snapshot(oursRoot)).toContain("e1/e2/e3/");
    expect(logLines(ours, oursRoot)).toContain("NOTICE: e1/e2/e3: Skipped remove directory as --dry-run is set");
  });
});

describe("purge", () => {
  it("removes a directory and everything in it", async () => {
    const { ours, oursRoot } = await both((r) => ["purge", join(r, "a")]);
    expect(ours.code).toBe(0);
    expect(snapshot(oursRoot).some((p) => p.startsWith("a/"))).toBe(false);
  });
  it("uses the file-by-file fallback when purge is disabled", async () => {
    const oursRoot = tree();
    const r = await strata(["purge", "--disable", "purge", "-v", join(oursRoot, "a")]);
    expect(r.code).toBe(0);
    expect(snapshot(oursRoot).some((p) => p.startsWith("a/"))).toBe(false);
    expect(stripStamps(r.stderr)).toContain("INFO  : f2.bin: Deleted");
  });
  it("changes nothing with --dry-run", async () => {
    const { oursRoot } = await both((r) => ["purge", "-n", join(r, "a")], { logs: true });
    expect(snapshot(oursRoot)).toContain("a/f2.bin 7 2021-03-04T05:06:07.000Z");
  });
  it("exits 3 for a missing directory or a file", async () => {
    const missing = await both((r) => ["purge", join(r, "nope")]);
    expect(missing.ours.code).toBe(3);
    expect(missing.ours.code).toBe(missing.theirs?.code ?? 3);
    const file = await both((r) => ["purge", join(r, "f1.txt")]);
    expect(file.ours.code).toBe(3);
  });
});

describe("delete", () => {
  it("removes files and keeps directories", async () => {
    const { ours, oursRoot } = await both((r) => ["delete", join(r, "a")]);
    expect(ours.code).toBe(0);
    expect(snapshot(oursRoot).filter((p) => p.startsWith("a"))).toEqual(["a/", "a/b/", "a/emptysub/"]);
  });
  it("removes empty directories but not the root with --rmdirs", async () => {
    const { oursRoot } = await both((r) => ["delete", "--rmdirs", join(r, "a")]);
    expect(snapshot(oursRoot).filter((p) => p.startsWith("a"))).toEqual(["a/"]);
  });
  it("deletes a single named file", async () => {
    const { ours, oursRoot } = await both((r) => ["delete", "-v", join(r, "f1.txt")], { logs: true });
    expect(stripStamps(ours.stderr)).toBe("INFO  : f1.txt: Deleted\n");
    expect(snapshot(oursRoot).some((p) => p.startsWith("f1.txt"))).toBe(false);
  });
  it("only reports with --dry-run, sizes included", async () => {
    const { ours, oursRoot } = await both((r) => ["delete", "--dry-run", join(r, "c")], { logs: true });
    expect(logLines(ours, oursRoot)).toEqual(["NOTICE: big.dat: Skipped delete as --dry-run is set (size 1.500Ki)"]);
  });
  it("exits 3 for a missing directory", async () => {
    const r = await both((root) => ["delete", join(root, "nope")]);
    expect(r.ours.code).toBe(3);
    expect(r.ours.code).toBe(r.theirs?.code ?? 3);
  });
});

describe("deletefile", () => {
  it("removes one file", async () => {
    const { ours, oursRoot } = await both((r) => ["deletefile", "-v", join(r, "a/f2.bin")], { logs: true });
    expect(ours.code).toBe(0);
    expect(snapshot(oursRoot).some((p) => p.startsWith("a/f2.bin"))).toBe(false);
  });
  it("only reports with --dry-run", async () => {
    const { ours, oursRoot } = await both((r) => ["deletefile", "-n", join(r, "f1.txt")], { logs: true });
    expect(logLines(ours, oursRoot)).toEqual(["NOTICE: f1.txt: Skipped delete as --dry-run is set (size 5)"]);
  });
  it("exits 4 for a missing file and 2 for a directory (rclone: 1 for both)", async () => {
    const missing = await both((r) => ["deletefile", join(r, "nope")]);
    expect(missing.ours.code).toBe(4);
    expect(missing.ours.stderr).toContain("object not found");
    const dir = await both((r) => ["deletefile", join(r, "a")]);
    expect(dir.ours.code).toBe(2);
  });
});

describe("touch", () => {
  it.each([
    ["2020-01-02T03:04:05", "2020-01-02T03:04:05.000Z"],
    ["2020-01-02T03:04:05.123456789", "2020-01-02T03:04:05.123Z"],
    ["060102", "2006-01-02T00:00:00.000Z"],
    ["991231", "1999-12-31T00:00:00.000Z"],
  ])("creates a missing file empty with -t %s", async (stamp, iso) => {
    const { ours, oursRoot } = await both((r) => ["touch", "-t", stamp, join(r, "new.txt")]);
    expect(ours.code).toBe(0);
    expect(snapshot(oursRoot)).toContain(`new.txt 0 ${iso}`);
  });
  it("accepts YYYY-MM-DD too (rclone does not)", async () => {
    const root = tree();
    const r = await strata(["touch", "-t", "2006-01-02", join(root, "x")]);
    expect(r.code).toBe(0);
    expect(snapshot(root)).toContain("x 0 2006-01-02T00:00:00.000Z");
  });
  it("sets the modtime of an existing file, keeping its content", async () => {
    const { oursRoot } = await both((r) => ["touch", "-t", "2022-02-02T02:02:02", join(r, "f1.txt")]);
    expect(snapshot(oursRoot)).toContain("f1.txt 5 2022-02-02T02:02:02.000Z");
  });
  it("creates missing parents", async () => {
    const { oursRoot } = await both((r) => ["touch", "-t", "2022-02-02T02:02:02", join(r, "nodir/sub/file")]);
    expect(snapshot(oursRoot)).toContain("nodir/sub/file 0 2022-02-02T02:02:02.000Z");
  });
  it("touches the files directly in a directory, or all below it with -R", async () => {
    const flat = await both((r) => ["touch", "-t", "2022-02-02T02:02:02", join(r, "a")]);
    expect(snapshot(flat.oursRoot)).toEqual(
      expect.arrayContaining(["a/f2.bin 7 2022-02-02T02:02:02.000Z", "a/b/zero 0 2021-03-04T05:06:07.000Z"]),
    );
    const deep = await both((r) => ["touch", "-R", "-t", "2022-02-02T02:02:02", join(r, "a")]);
    expect(snapshot(deep.oursRoot)).toContain("a/b/zero 0 2022-02-02T02:02:02.000Z");
  });
  it("does not create with --no-create or --recursive", async () => {
    const { ours, oursRoot } = await both((r) => ["touch", "-C", join(r, "new.txt")], { logs: true });
    expect(snapshot(oursRoot).some((p) => p.startsWith("new.txt"))).toBe(false);
    expect(logLines(ours, oursRoot)).toEqual([
      "NOTICE: Local file system at ROOT: Not touching nonexistent file due to --no-create",
    ]);
    await both((r) => ["touch", "-R", join(r, "new.txt")], { logs: true });
  });
  it("changes nothing with --dry-run", async () => {
    const created = await both((r) => ["touch", "-n", join(r, "new.txt")], { logs: true });
    expect(snapshot(created.oursRoot).some((p) => p.startsWith("new.txt"))).toBe(false);
    await both((r) => ["touch", "-n", "-t", "2022-02-02T02:02:02", join(r, "f1.txt")], { logs: true });
    await both((r) => ["touch", "-n", "-R", "-t", "2022-02-02T02:02:02", join(r, "a")]);
  });
  it("exits 1 for a bad timestamp", async () => {
    for (const stamp of ["bad", "2021-02-30T00:00:00", "211301"]) {
      const { ours } = await both((r) => ["touch", "-t", stamp, join(r, "q")]);
      expect(ours.code).toBe(1);
      expect(ours.stderr).toContain("failed to parse timestamp argument");
    }
  });
});
