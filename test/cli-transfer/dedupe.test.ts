/**
 * dedupe against real rclone 1.60. No strata backend (nor rclone's local disk) can hold two files
 * of one name, so by name both find nothing; --by-hash finds identical files under other names,
 * which every mode then lists, thins to one, or renames apart, as rclone does.
 */
import { describe, expect, it } from "vitest";
import type { Spec } from "../cli-sync/harness.js";
import { strata } from "../commands/run-cli.js";
import { grep, hasRclone, runPair } from "./pair.js";

const at = (iso: string) => new Date(iso);
const TREE: Spec = {
  "one.txt": { data: "same", mtime: at("2021-01-01T00:00:00Z") },
  three: { data: "same", mtime: at("2023-01-01T00:00:00Z") },
  "sub/two.txt": { data: "same", mtime: at("2022-01-01T00:00:00Z") },
  "other.txt": "other",
  "b1.bin": { data: "bb", mtime: at("2020-06-01T00:00:00Z") },
  "sub/b2.bin": { data: "bb", mtime: at("2020-05-01T00:00:00Z") },
};

/** Output lines, sorted. */
const lines = (out: string) => out.split("\n").sort();

/** Log lines saying what was found and done (the "Looking for" line names the absolute root). */
const DONE = /(Found|Deleted|Skipping|renamed from|duplicate names here)/;

describe.runIf(hasRclone)("dedupe against rclone", { concurrent: true }, () => {
  for (const mode of ["list", "skip", "first", "newest", "oldest", "largest", "smallest", "rename"]) {
    it(`--by-hash ${mode}`, async () => {
      const p = await runPair(["dedupe", "--by-hash", mode, "tree", "-v"], { tree: TREE });
      expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
      expect(p.strata.tree("tree")).toEqual(p.rclone.tree("tree"));
      // rclone walks a Go map, so its groups come in an order that changes from run to run.
      expect(lines(p.strata.result.stdout)).toEqual(lines(p.rclone.result.stdout));
      expect(grep(p.strata, DONE)).toEqual(grep(p.rclone, DONE));
    });
  }

  it("--dedupe-mode names the mode too; by name nothing can be duplicated here", async () => {
    const p = await runPair(["dedupe", "--dedupe-mode", "first", "tree", "-v"], { tree: TREE });
    expect(p.strata.result.code).toBe(0);
    expect(p.strata.tree("tree")).toEqual(p.rclone.tree("tree"));
    expect(grep(p.strata, DONE)).toEqual(grep(p.rclone, DONE));
    expect(grep(p.strata, /Looking for/)).toEqual([
      "INFO  : Local file system at ROOT/tree: Looking for duplicate names using first mode.",
    ]);
  });

  it("interactive (the default) lists the group and fails at the end of input, exit 1", async () => {
    const p = await runPair(["dedupe", "--by-hash", "tree"], { tree: TREE });
    expect(p.rclone.result.code).toBe(1);
    expect(p.strata.result.code).toBe(1);
    // rclone walks a Go map, so which group it asks about first changes from run to run: the first
    // line names one of the two groups, and the question after the group is the same.
    const groups = ["21ad0bd836b90d08f4cf640b4c298e7c: 2 duplicates", "51037a4a37730f52c8732586d3aaa316: 3 duplicates"];
    const question = (out: string) => out.slice(out.indexOf("s) Skip"));
    for (const run of [p.rclone, p.strata]) expect(groups).toContain(run.result.stdout.split("\n")[0]);
    expect(question(p.strata.result.stdout)).toEqual(question(p.rclone.result.stdout));
    expect(question(p.strata.result.stdout)).toContain("s/k/q>");
    expect(p.strata.tree("tree")).toEqual(p.rclone.tree("tree"));
  });

  it("an unknown mode is a usage error", async () => {
    const p = await runPair(["dedupe", "bogus", "tree"], { tree: TREE });
    expect(p.rclone.result.code).toBe(1);
    expect(p.strata.result.code).toBe(1);
    expect(p.strata.result.stderr).toContain('unknown mode for dedupe "bogus"');
  });
});

describe("dedupe interactive answers", () => {
  it("keeps the chosen file of each group, asking again after a bad answer", async () => {
    const p = await runPair(["dedupe", "--by-hash", "list", "tree"], { tree: TREE });
    const root = p.strata.root;
    // Groups in hash order: md5("bb") 21ad0b…, then md5("same") 51037a…; keep sub/b2.bin, then sub/two.txt.
    const r = await strata(["dedupe", "--by-hash", "tree"], { cwd: root, input: "x\nk\n2\nk\n0\n3\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("This value must be one of the following characters: s, k, q.");
    expect(r.stdout).toContain("Out of range - 1 to 3 inclusive");
    expect(p.strata.tree("tree").map((l) => l.split(" ")[0])).toEqual([
      "other.txt",
      "sub/",
      "sub/b2.bin",
      "sub/two.txt",
    ]);
  });
});
