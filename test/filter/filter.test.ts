import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import yargs from "yargs";
import { isFsError } from "../../src/fs/errors.js";
import { Filter, type FilterOptions } from "../../src/fs/filter/filter.js";
import {
  attachFilterValues,
  filterFlags,
  filterOptionsFromArgs,
  parseAge,
  parseAgeDate,
} from "../../src/fs/filter/flags.js";
import { filterFileLines, RuleSet } from "../../src/fs/filter/rules.js";

const dir = mkdtempSync(join(tmpdir(), "strata-filter-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function file(content: string): string {
  const path = join(dir, `f${fileCount++}`);
  writeFileSync(path, content);
  return path;
}

const NOW = new Date("2024-06-01T12:00:00Z");
const HOUR = 3_600_000;
const make = (opts: FilterOptions) => Filter.create(opts, NOW);
const rules = (f: Filter) => f.dump().slice(f.dump().indexOf("--- File filter rules ---"));

async function usage(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return isFsError(err, "Usage") ? err.message : `not Usage: ${String(err)}`;
  }
  return "no error";
}

describe("rule order", () => {
  it("adds includes, then excludes, then filters, whatever the option order, and ends with - /**", async () => {
    const f = await make({ filter: ["- *.tmp"], exclude: ["*.bak"], include: ["*.txt"] });
    expect(rules(f)).toBe(
      [
        "--- File filter rules ---",
        "+ (^|/)[^/]*\\.txt$",
        "- (^|/)[^/]*\\.bak$",
        "- (^|/)[^/]*\\.tmp$",
        "- ^.*$",
        "--- Directory filter rules ---",
        "+ ^.*$",
        "- ^.*$",
      ].join("\n"),
    );
  });

  it("lets the first match win", async () => {
    const f = await make({ include: ["*.txt"], exclude: ["secret/**"] });
    expect(f.includeRemote("secret/a.txt")).toBe(true);
    expect(f.includeRemote("secret/a.doc")).toBe(false);
    const g = await make({ filter: ["- secret/**", "+ *.txt", "- *"] });
    expect(g.includeRemote("secret/a.txt")).toBe(false);
    expect(g.includeRemote("pub/a.txt")).toBe(true);
    expect(g.includeRemote("pub/a.doc")).toBe(false);
  });

  it("includes everything with no rules", async () => {
    const f = await make({});
    expect(f.isActive()).toBe(false);
    expect(f.includeRemote("any/thing")).toBe(true);
    expect(f.includeDirectory("any")).toBe(true);
    expect(f.usesDirectoryFilters()).toBe(false);
  });

  it("clears with ! in --filter and --filter-from, but the implicit exclude still comes last", async () => {
    const f = await make({ include: ["*.jpg"], filter: ["!", "+ *.md"] });
    expect(f.includeRemote("a.jpg")).toBe(false);
    expect(f.includeRemote("a.md")).toBe(true);
    expect(f.includeRemote("a.txt")).toBe(false);
    const g = await make({ filterFrom: [file("- *.md\n!\n- *.txt\n")] });
    expect(g.includeRemote("a.md")).toBe(true);
    expect(g.includeRemote("a.txt")).toBe(false);
  });

  it("reads ! as a glob in --include-from", async () => {
    const f = await make({ includeFrom: [file("!\n")] });
    expect(f.includeRemote("!")).toBe(true);
    expect(f.includeRemote("x")).toBe(false);
  });

  it("drops a rule it already has, keeping the first position", async () => {
    const f = await make({ filter: ["+ *.md", "- *.txt", "+ *.md"] });
    expect(
      rules(f)
        .split("\n")
        .filter((l) => l === "+ (^|/)[^/]*\\.md$"),
    ).toHaveLength(1);
  });

  it("turns `- dir/` into `- dir/**` for files and directories, and `+ dir/` into a directory rule only", async () => {
    const f = await make({ exclude: ["cache/"] });
    expect(f.includeRemote("x/cache/a")).toBe(false);
    expect(f.includeDirectory("x/cache")).toBe(false);
    const g = await make({ include: ["cache/"] });
    expect(g.includeDirectory("cache")).toBe(true);
    // No file rule includes anything, so the implicit exclude takes every file.
    expect(g.includeRemote("cache/a")).toBe(false);
  });
});

describe("directory rules", () => {
  it("derives the directories an include needs", async () => {
    const f = await make({ include: ["/photos/2024/*.jpg"] });
    expect(f.includeDirectory("photos")).toBe(true);
    expect(f.includeDirectory("photos/2024")).toBe(true);
    expect(f.includeDirectory("photos/2023")).toBe(false);
    expect(f.includeDirectory("music")).toBe(false);
    expect(f.includeDirectory("")).toBe(true);
    expect(f.includeDirectory("/photos/")).toBe(true);
    expect(f.usesDirectoryFilters()).toBe(true);
  });

  it("cannot rule directories out for an unanchored include", async () => {
    const f = await make({ include: ["*.jpg"] });
    expect(f.includeDirectory("any/depth")).toBe(true);
    expect(f.usesDirectoryFilters()).toBe(false);
  });

  it("excludes every directory for --exclude *", async () => {
    const f = await make({ exclude: ["*"] });
    expect(f.includeDirectory("a")).toBe(false);
  });

  it("keeps file-only excludes out of the directory rules", async () => {
    const f = await make({ exclude: ["*.txt", "/a/b"] });
    expect(f.includeDirectory("a/b")).toBe(true);
    expect(f.includeRemote("a/b")).toBe(false);
  });
});

describe("RuleSet", () => {
  it("rejects malformed --filter rules", () => {
    const r = new RuleSet();
    expect(() => r.addRule("*.txt")).toThrow(/malformed rule/);
    expect(() => r.addRule("-*.txt")).toThrow(/malformed rule/);
    expect(() => r.addRule("!!")).toThrow(/malformed rule/);
    r.addRule("+  spaced");
    expect(r.fileRules.match(" spaced")).toBe(true);
  });
});

describe("size and age", () => {
  const at = (msAgo: number) => new Date(NOW.getTime() - msAgo);

  it("bounds sizes inclusively", async () => {
    const f = await make({ minSize: 100, maxSize: 200 });
    expect(f.includeObject("a", 99, NOW)).toBe(false);
    expect(f.includeObject("a", 100, NOW)).toBe(true);
    expect(f.includeObject("a", 200, NOW)).toBe(true);
    expect(f.includeObject("a", 201, NOW)).toBe(false);
    const off = await make({ minSize: -1, maxSize: -1 });
    expect(off.isActive()).toBe(false);
  });

  it("measures ages from now", async () => {
    const young = await make({ maxAge: HOUR });
    expect(young.includeObject("a", 0, at(HOUR - 1))).toBe(true);
    expect(young.includeObject("a", 0, at(HOUR))).toBe(true);
    expect(young.includeObject("a", 0, at(HOUR + 1))).toBe(false);
    const old = await make({ minAge: HOUR });
    expect(old.includeObject("a", 0, at(HOUR + 1))).toBe(true);
    expect(old.includeObject("a", 0, at(HOUR - 1))).toBe(false);
    expect((await make({ maxAge: Number.POSITIVE_INFINITY })).isActive()).toBe(false);
  });

  it("takes absolute times as cut-offs", async () => {
    const f = await make({ maxAge: new Date("2020-01-01T00:00:00Z"), minAge: new Date("2021-01-01T00:00:00Z") });
    expect(f.includeObject("a", 0, new Date("2019-12-31T23:59:59Z"))).toBe(false);
    expect(f.includeObject("a", 0, new Date("2020-06-01T00:00:00Z"))).toBe(true);
    expect(f.includeObject("a", 0, new Date("2021-01-01T00:00:01Z"))).toBe(false);
  });

  it("refuses --min-age above --max-age", async () => {
    expect(await usage(make({ minAge: 2 * HOUR, maxAge: HOUR }))).toContain("--min-age can't be larger than --max-age");
  });

  it("checks size and age before the rules, and includeRemote ignores them", async () => {
    const f = await make({ include: ["*.txt"], maxSize: 10 });
    expect(f.includeObject("a.txt", 11, NOW)).toBe(false);
    expect(f.includeRemote("a.txt")).toBe(true);
  });
});

describe("--files-from", () => {
  it("lists exact paths, trims slashes and includes their directories", async () => {
    const f = await make({ filesFrom: [file("# comment\n/a/b/c.txt\n  top  \nd/e/\n; other\n")] });
    expect(f.filesFrom).toEqual(new Set(["a/b/c.txt", "top", "d/e"]));
    expect(f.includeObject("a/b/c.txt", 5, NOW)).toBe(true);
    expect(f.includeObject("a/b/other", 5, NOW)).toBe(false);
    expect(f.includeRemote("top")).toBe(true);
    expect(f.includeDirectory("a")).toBe(true);
    expect(f.includeDirectory("a/b")).toBe(true);
    expect(f.includeDirectory("d")).toBe(true);
    // A listed directory is a file name to rclone, not a directory to descend into.
    expect(f.includeDirectory("d/e")).toBe(false);
    expect(f.includeDirectory("x")).toBe(false);
    expect(f.isActive()).toBe(true);
  });

  it("keeps raw lines as they are", async () => {
    const f = await make({ filesFromRaw: [file("  spaced \n#hash\r\n\n")] });
    expect(f.filesFrom).toEqual(new Set(["  spaced ", "#hash", ""]));
  });

  it("excludes everything with an empty list", async () => {
    const f = await make({ filesFrom: [file("")] });
    expect(f.filesFrom).toEqual(new Set());
    expect(f.includeRemote("a")).toBe(false);
  });

  it("cannot be combined with other filters", async () => {
    const list = file("a\n");
    expect(await usage(make({ filesFrom: [list], include: ["*"] }))).toContain(
      "--files-from overrides all other filters",
    );
    expect(await usage(make({ filesFromRaw: [list], minSize: 1 }))).toContain(
      "--files-from-raw overrides all other filters",
    );
    expect(await usage(make({ filesFrom: [list], excludeIfPresent: [".x"] }))).toContain("overrides all other filters");
    await expect(make({ filesFrom: [list], filesFromRaw: [list] })).resolves.toBeDefined();
  });
});

describe("errors", () => {
  it("names an unreadable file", async () => {
    const missing = join(dir, "nope.txt");
    const message = await usage(make({ excludeFrom: [missing] }));
    expect(message).toContain(missing);
    expect(message).toContain("ENOENT");
  });

  it("names a bad pattern", async () => {
    expect(await usage(make({ include: ["a[b"] }))).toContain('"a[b"');
    expect(await usage(make({ filterFrom: [file("+ ok\n+ b***\n")] }))).toContain("too many stars");
  });
});

describe("exclude-if-present", () => {
  it("reports its names and spots them in a listing", async () => {
    const f = await make({ excludeIfPresent: [".nobackup", ".ignore"] });
    expect(f.excludeIfPresent).toEqual([".nobackup", ".ignore"]);
    expect(f.isActive()).toBe(true);
    expect(f.hasExcludeMarker(["a", ".ignore"])).toBe(true);
    expect(f.hasExcludeMarker(["a", ".IGNORE"])).toBe(false);
    expect((await make({})).hasExcludeMarker([".ignore"])).toBe(false);
  });
});

describe("ignore case", () => {
  it("folds rules and the derived directory rules", async () => {
    const f = await make({ include: ["/Docs/*.PDF"], ignoreCase: true });
    expect(f.ignoreCase).toBe(true);
    expect(f.includeRemote("docs/a.pdf")).toBe(true);
    expect(f.includeDirectory("DOCS")).toBe(true);
    expect(f.includeDirectory("other")).toBe(false);
  });
});

describe("filterFileLines", () => {
  it("splits like Go's scanner and skips comments", () => {
    expect(filterFileLines("a\r\n  b \n\n# c\n;d\ne")).toEqual(["a", "b", "e"]);
    expect(filterFileLines("\u00a0x\u0085\n")).toEqual(["x"]);
    expect(filterFileLines("\ufeffx\n")).toEqual(["\ufeffx"]);
    expect(filterFileLines("")).toEqual([]);
    expect(filterFileLines("a\n\n", true)).toEqual(["a", ""]);
    expect(filterFileLines(" #a\r\n", true)).toEqual([" #a"]);
  });
});

describe("flags", () => {
  const parse = (args: string[]) =>
    filterOptionsFromArgs(
      filterFlags(yargs(attachFilterValues(args)).strict().exitProcess(false).fail(false)).parseSync(),
    );

  it("joins values to their flags so dashes survive", () => {
    expect(attachFilterValues(["-f", "- *", "--include", "-x", "pos", "--", "--include", "y"])).toEqual([
      "--filter=- *",
      "--include=-x",
      "pos",
      "--",
      "--include",
      "y",
    ]);
  });

  it("collects repeatable flags and parses sizes and ages", () => {
    const opts = parse([
      "--filter",
      "- *.tmp",
      "-f",
      "+ *",
      "--include",
      "a",
      "--exclude",
      "b",
      "--exclude",
      "c",
      "--min-size",
      "1k",
      "--max-size",
      "1M",
      "--max-size",
      "2M",
      "--min-age",
      "1h30m",
      "--max-age",
      "2024-01-02",
      "--exclude-if-present",
      ".x",
      "--ignore-case",
      "--delete-excluded",
    ]);
    expect(opts.filter).toEqual(["- *.tmp", "+ *"]);
    expect(opts.include).toEqual(["a"]);
    expect(opts.exclude).toEqual(["b", "c"]);
    expect(opts.minSize).toBe(1024);
    expect(opts.maxSize).toBe(2 * 1024 * 1024);
    expect(opts.minAge).toBe(90 * 60_000);
    expect(opts.maxAge).toEqual(new Date(2024, 0, 2));
    expect(opts.excludeIfPresent).toEqual([".x"]);
    expect(opts.ignoreCase).toBe(true);
    expect(opts.deleteExcluded).toBe(true);
  });

  it("leaves unset flags off", () => {
    const opts = parse([]);
    expect(opts.minSize).toBeUndefined();
    expect(opts.maxAge).toBeUndefined();
    expect(opts.include).toEqual([]);
    expect(opts.ignoreCase).toBe(false);
  });

  it("rejects bad sizes and ages with Usage", () => {
    expect(() => parse(["--min-size", "lots"])).toThrow(/bad size/);
    expect(() => parse(["--max-age", "yesterday"])).toThrow(/bad age "yesterday"/);
  });
});

describe("parseAge", () => {
  it("reads durations and off", () => {
    expect(parseAge("2d")).toBe(2 * 86_400_000);
    expect(parseAge("90")).toBe(90_000);
    expect(parseAge("off")).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads rclone's absolute time formats", () => {
    expect(parseAgeDate("2006-01-02")).toEqual(new Date(2006, 0, 2));
    expect(parseAgeDate("2006-01-02 15:04:05")).toEqual(new Date(2006, 0, 2, 15, 4, 5));
    expect(parseAgeDate("2006-01-02T15:04:05")).toEqual(new Date(2006, 0, 2, 15, 4, 5));
    expect(parseAgeDate("2006-01-02T15:04:05Z")).toEqual(new Date("2006-01-02T15:04:05Z"));
    expect(parseAgeDate("2006-01-02T15:04:05.25+02:00")).toEqual(new Date("2006-01-02T13:04:05.250Z"));
    expect(parseAgeDate("2006-01-02 15:04:05Z")).toBeUndefined();
    expect(parseAgeDate("2006-02-30")).toBeUndefined();
    expect(parseAgeDate("2004-02-29")).toEqual(new Date(2004, 1, 29));
    expect(parseAgeDate("2006-1-2")).toBeUndefined();
  });
});
