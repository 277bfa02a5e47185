/**
 * The filter flags through the real CLI: every case of test/filter/cases.ts as `strata lsf -R <args>` versus
 * `rclone lsf -R <args>` on the same tree (with --files-only and --dirs-only where the case compares
 * directories), then filtered ls, lsl, lsd, lsjson, tree, size, md5sum/sha1sum/hashsum and delete, each
 * compared with rclone 1.60. Listing order is not compared where rclone's is not fixed (it lists directories
 * in parallel); everything else is, exactly.
 */
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFilterTree, FILTER_CASES, materializeArgs } from "../filter/cases.js";
import { type CliResult, hasRclone, rclone, snapshot, sortedLines, strata } from "./run-cli.js";

let work: string;
let tree: string;
/** When the tree was built: every copy of it uses the same times. */
const now = new Date();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "strata-filter-cli-"));
  tree = join(work, "tree");
  buildFilterTree(tree, now);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs both CLIs at once. */
function both(args: string[]): Promise<[CliResult, CliResult]> {
  return Promise.all([strata(args), rclone(args)]);
}

/** Expects the same exit code and the same stdout, compared as sorted lines unless `exact`. */
async function same(args: string[], exact = false): Promise<CliResult> {
  const [ours, theirs] = await both(args);
  expect(theirs.code, `rclone ${args.join(" ")}: ${theirs.stderr}`).toBe(0);
  expect(ours.code, `strata ${args.join(" ")}: ${ours.stderr}`).toBe(0);
  if (exact) expect(ours.stdout).toBe(theirs.stdout);
  else expect(sortedLines(ours.stdout)).toEqual(sortedLines(theirs.stdout));
  return ours;
}

/** Expects both to refuse `args` with the same exit code (rclone's 1 for usage errors). */
async function refused(args: string[]): Promise<void> {
  const [ours, theirs] = await both(args);
  expect(theirs.code, `rclone accepted ${args.join(" ")}`).not.toBe(0);
  expect(ours.code, `strata ${args.join(" ")}: ${ours.stderr}`).toBe(theirs.code);
  expect(ours.stdout).toBe("");
}

/** Writes `content` to a fresh file under the work directory (a `--files-from` list) and returns its path. */
function sideFile(content: string): string {
  const path = join(mkdtempSync(join(work, "side-")), "list");
  writeFileSync(path, content);
  return path;
}

describe.runIf(hasRclone)("lsf -R with filters, every shared case", () => {
  const listing = FILTER_CASES.filter((c) => !c.error);

  it("has at least 30 listing cases and some rclone refuses", () => {
    expect(listing.length).toBeGreaterThanOrEqual(30);
    expect(FILTER_CASES.some((c) => c.error)).toBe(true);
  });

  FILTER_CASES.forEach((c, index) => {
    it(`${c.error ? "refuses" : "lists"}: ${c.name} (${c.args.join(" ")})`, async () => {
      const args = materializeArgs(c, join(work, `side-${index}`));
      if (c.error) {
        await refused(["lsf", "-R", ...args, tree]);
        return;
      }
      const variants = c.dirs ? [[], ["--files-only"], ["--dirs-only"]] : [[]];
      await Promise.all(variants.map((v) => same(["lsf", "-R", ...v, ...args, tree])));
    });
  });
});

describe.runIf(hasRclone)("listings without -R and other listing commands", () => {
  it("lsf one level judges directories by their markers without listing them", async () => {
    await same(["lsf", "--exclude-if-present", ".ignore", join(tree, "b")]);
    await same(["lsf", "--max-depth", "1", "--exclude-if-present", "s.txt", join(tree, "b")]);
    await same(["lsf", "--max-depth", "2", "--include", "*.txt", "--format", "ps", tree]);
  });

  it("lsf -R from a subdirectory matches rules against paths relative to it", async () => {
    await same(["lsf", "-R", "--include", "/deep/**", join(tree, "a")]);
    await same(["lsf", "-R", "--exclude", "/a/**", join(tree, "a")]);
  });

  it("ls and lsl list only the included files", async () => {
    await same(["ls", "--include", "*.jpg", tree]);
    await same(["ls", "--exclude", "/a/**", "--max-depth", "2", tree]);
    // Only the files with whole-second modtimes: the others were set from a float and keep sub-millisecond
    // digits that rclone prints and strata's local backend rounds.
    await same(["lsl", "--min-age", "2000d", "--exclude", "/logs/**", tree]);
    await same(["ls", "--exclude-if-present", ".ignore", "--max-size", "100b", join(tree, "b")]);
  });

  it("lsd shows only the included directories", async () => {
    await same(["lsd", "--include", "/a/**", tree], true);
    await same(["lsd", "-R", "--exclude", "**/deep/**", tree]);
    await same(["lsd", "--exclude-if-present", ".ignore", join(tree, "b")], true);
    await same(["lsd", "-R", "--files-from", sideFile("a/deep/d.txt\nlogs/2020/jan.log\n"), tree]);
  });

  it("lsjson -R gives the same paths", async () => {
    const paths = (r: CliResult) =>
      (JSON.parse(r.stdout) as { Path: string; IsDir: boolean }[]).map((e) => `${e.Path}${e.IsDir ? "/" : ""}`).sort();
    const list = sideFile("top.txt\nc d/ünï/z.txt\nb/sub/s.jpg\n");
    for (const args of [
      ["--include", "*.{jpg,png}"],
      ["--exclude", "/a/**", "--exclude-if-present", ".ignore"],
      ["--files-from", list],
      ["--max-age", "1w", "--files-only"],
      ["--filter", "+ /logs/**", "--filter", "- *", "--dirs-only"],
    ]) {
      const [ours, theirs] = await both(["lsjson", "-R", ...args, tree]);
      expect(theirs.code).toBe(0);
      expect(ours.code, ours.stderr).toBe(0);
      expect(paths(ours), args.join(" ")).toEqual(paths(theirs));
    }
  });

  it("tree draws only what the filters include", async () => {
    await same(["tree", "--include", "*.txt", tree], true);
    await same(["tree", "-a", "--exclude-if-present", ".ignore", "--exclude", "*.log", tree], true);
    await same(["tree", "--level", "2", "--include", "/a/**", tree], true);
  });

  it("refuses a single-file target when a filter is active, as rclone does", async () => {
    const file = join(tree, "top.txt");
    await Promise.all(
      [
        ["ls", "--include", "*.txt"],
        ["lsf", "--max-age", "1d"],
        ["lsjson", "--exclude-if-present", "x"],
        ["size", "--min-size", "0"],
        ["md5sum", "--exclude", "*.jpg"],
        ["delete", "--include", "*.txt"],
      ].map((args) => refused([...args, file])),
    );
    expect(statSync(file).isFile()).toBe(true);
    // Without filters the file alone is listed.
    await same(["lsf", file]);
  });
});

describe.runIf(hasRclone)("size with filters", () => {
  it("counts only the included files", async () => {
    const list = sideFile("top.txt\nmain.c\na/deep/deeper/x.txt\nnot-there\n");
    for (const args of [
      ["--include", "*.txt"],
      ["--exclude-if-present", ".ignore", "--exclude", "/a/**"],
      ["--min-size", "1k", "--max-size", "4k"],
      ["--max-age", "30d", "--max-depth", "2"],
      ["--files-from", list],
      ["--include", "*.log", "--json"],
    ]) {
      await same(["size", ...args, tree], true);
    }
  });
});

describe.runIf(hasRclone)("hash sums with filters", () => {
  it("md5sum, sha1sum and hashsum list only the included files", async () => {
    const list = sideFile("star*.txt\n[brackets].txt\nb/b.log\n");
    for (const args of [
      ["md5sum", "--include", "*.txt"],
      ["md5sum", "--exclude-if-present", ".ignore", "--max-depth", "2"],
      ["md5sum", "--min-size", "1k", "--download"],
      ["sha1sum", "--files-from", list],
      ["hashsum", "md5", "--filter", "- /a/**", "--filter", "+ *.{jpg,log}", "--filter", "- *"],
    ]) {
      await same([...args, tree]);
    }
  });
});

describe.runIf(hasRclone)("delete with filters", () => {
  let copies = 0;
  /** Runs `delete <args>` with each CLI on its own copy of the tree; returns both results. */
  async function deleteBoth(args: string[]): Promise<[CliResult, CliResult]> {
    const n = copies++;
    const ours = join(work, `delete-${n}-strata`);
    const theirs = join(work, `delete-${n}-rclone`);
    cpSync(tree, ours, { recursive: true, preserveTimestamps: true });
    cpSync(tree, theirs, { recursive: true, preserveTimestamps: true });
    const results = await Promise.all([strata(["delete", ...args, ours]), rclone(["delete", ...args, theirs])]);
    const before = snapshot(tree);
    const left = snapshot(ours);
    expect(left, `strata delete ${args.join(" ")}`).toEqual(snapshot(theirs));
    expect(left.length, "the filter kept nothing").toBeGreaterThan(0);
    expect(left.length, "nothing was deleted").toBeLessThan(before.length);
    return results;
  }

  const listFile = () => sideFile("top.txt\na/deep/d.jpg\nc d/ünï/z.txt\nempty\n");

  for (const [name, args] of [
    ["include", ["--include", "*.txt"]],
    ["exclude a subtree", ["--exclude", "/a/**"]],
    ["exclude-if-present", ["--exclude-if-present", ".ignore", "--exclude", "*.md"]],
    ["max-age", ["--max-age", "30d"]],
    ["size window and depth", ["--min-size", "100b", "--max-size", "2k", "--max-depth", "2"]],
    ["filter rules", ["--filter", "+ /logs/**", "--filter", "+ *.jpg", "--filter", "- *"]],
    ["files-from", ["@list"]],
    ["rmdirs under include", ["--include", "a/**", "--rmdirs"]],
    ["rmdirs with min-size keeps directories", ["--min-size", "1k", "--rmdirs"]],
    ["rmdirs with files-from keeps directories", ["@list", "--rmdirs"]],
    ["rmdirs with a pruned subtree", ["--exclude", "/a/**", "--rmdirs"]],
  ] as const) {
    it(`deletes what rclone deletes: ${name}`, async () => {
      const expanded = args.flatMap((a) => (a === "@list" ? ["--files-from", listFile()] : [a]));
      const [ours, theirs] = await deleteBoth(expanded);
      expect(theirs.code, theirs.stderr).toBe(0);
      expect(ours.code, ours.stderr).toBe(0);
    });
  }

  it("fails like rclone when --rmdirs meets a directory the filter hid files in (exit 2; rclone's uncategorised 1)", async () => {
    // b/sub holds the marker (b looks empty), and a/deep keeps d.jpg unseen: rclone tries to remove
    // them, and stops at the first failure, in reverse byte order of the paths.
    for (const args of [
      ["--exclude-if-present", ".ignore", "--rmdirs"],
      ["--exclude", "*.jpg", "--rmdirs"],
    ]) {
      const [ours, theirs] = await deleteBoth(args);
      expect(theirs.code).toBe(1);
      expect(ours.code, ours.stderr).toBe(2);
      expect(ours.stderr).toContain("directory not empty");
    }
  });

  it("--dry-run deletes nothing", async () => {
    const copy = join(work, "dry-run");
    cpSync(tree, copy, { recursive: true, preserveTimestamps: true });
    const r = await strata(["delete", "--dry-run", "--include", "*.txt", "--rmdirs", copy]);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(copy)).toEqual(snapshot(tree));
  });
});
