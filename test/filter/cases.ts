/**
 * Filter cases checked against real rclone 1.60, and the tree they run on. Shared so a CLI-level test
 * (`strata lsf -R ... <args>`) can replay the same cases against the same tree.
 */
import { mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const DAY = 86_400_000;

/** When a tree file was last modified: an absolute time, or this many days before the tree was built. */
export type TreeTime = { at: string } | { daysAgo: number };

export interface TreeFile {
  path: string;
  size: number;
  mtime?: TreeTime;
}

/** Files of the test tree (directories are implied, plus `TREE_EMPTY_DIRS`). Default mtime: 1 hour ago. */
export const TREE_FILES: readonly TreeFile[] = [
  { path: "top.txt", size: 100 },
  { path: "readme.md", size: 0 },
  { path: "photo.jpg", size: 1024, mtime: { daysAgo: 10 } },
  { path: "photo.JPG", size: 1025 },
  { path: "notes.TXT", size: 1 },
  { path: "main.c", size: 5000, mtime: { at: "2001-02-03T04:05:06Z" } },
  { path: "main.h", size: 101 },
  { path: "main.cc", size: 1023 },
  { path: ".hidden", size: 10 },
  { path: ".config/settings.json", size: 50 },
  { path: "file with spaces.txt", size: 200, mtime: { daysAgo: 45 } },
  { path: "naïve café.txt", size: 300 },
  { path: "日本語.md", size: 400 },
  { path: "emoji 😀.png", size: 500 },
  { path: "what?.txt", size: 20 },
  { path: "star*.txt", size: 30 },
  { path: "[brackets].txt", size: 40 },
  { path: "{braces}.txt", size: 45 },
  { path: "a/a1.txt", size: 1024, mtime: { at: "2001-02-03T04:05:06Z" } },
  { path: "a/a2.jpg", size: 2048 },
  { path: "a/deep/d.txt", size: 64 },
  { path: "a/deep/d.jpg", size: 4096, mtime: { daysAgo: 45 } },
  { path: "a/deep/deeper/x.txt", size: 5000, mtime: { at: "2012-06-15T12:00:00Z" } },
  { path: "a/deep/deeper/y.log", size: 12 },
  { path: "b/b1.txt", size: 100 },
  { path: "b/b.log", size: 1000, mtime: { daysAgo: 10 } },
  { path: "b/sub/.ignore", size: 0 },
  { path: "b/sub/s.txt", size: 10 },
  { path: "b/sub/s.jpg", size: 2000 },
  { path: "b/deep/e.txt", size: 99 },
  { path: "c d/x.txt", size: 3333 },
  { path: "c d/ünï/z.txt", size: 1500, mtime: { at: "2012-06-15T12:00:00Z" } },
  { path: "dir/f.txt", size: 777 },
  { path: "dir/dir/g.txt", size: 888 },
  { path: "A/Upper.TXT", size: 42 },
  { path: "A/lower.jpg", size: 43 },
  { path: "logs/recent.log", size: 10, mtime: { daysAgo: 2 } },
  { path: "logs/2020/jan.log", size: 10, mtime: { at: "2001-02-03T04:05:06Z" } },
  { path: "logs/2020/feb.log", size: 2000, mtime: { daysAgo: 45 } },
];

export const TREE_EMPTY_DIRS: readonly string[] = ["empty", "a/deep/empty"];

/** Creates the tree under `root` (which should be empty), with mtimes relative to `now`. */
export function buildFilterTree(root: string, now: Date = new Date()): void {
  for (const dir of TREE_EMPTY_DIRS) mkdirSync(join(root, dir), { recursive: true });
  for (const f of TREE_FILES) {
    const abs = join(root, f.path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, Buffer.alloc(f.size, 0x61));
    const t = f.mtime ?? { daysAgo: 1 / 24 };
    const when = "at" in t ? new Date(t.at) : new Date(now.getTime() - t.daysAgo * DAY);
    utimesSync(abs, when, when);
  }
}

export interface FilterCase {
  name: string;
  /**
   * rclone flags. `@name` stands for the path of side file `name` (see `sideFiles`); a path that does not
   * exist can be written as `@missing/...`.
   */
  args: string[];
  /** Side files the args refer to, by name → content. */
  sideFiles?: Record<string, string>;
  /** Also compare the directory listing (`lsf -R --dirs-only`). */
  dirs?: boolean;
  /** rclone refuses these flags: strata must throw `Usage` too. */
  error?: boolean;
}

export const FILTER_CASES: readonly FilterCase[] = [
  { name: "include by extension", args: ["--include", "*.jpg"] },
  { name: "include txt", args: ["--include", "*.txt"], dirs: true },
  { name: "exclude txt", args: ["--exclude", "*.txt"], dirs: true },
  { name: "exclude anchored dir tree", args: ["--exclude", "/a/**"], dirs: true },
  { name: "include anchored dir tree prunes others", args: ["--include", "/a/**"], dirs: true },
  { name: "filter + then - *", args: ["--filter", "+ *.txt", "--filter", "- *"], dirs: true },
  { name: "short -f alias", args: ["-f", "- *.log", "-f", "- .*"] },
  { name: "braces in directory part", args: ["--include", "{a,b}/**"], dirs: true },
  { name: "character class", args: ["--exclude", "*.[ch]"] },
  { name: "anchored single file", args: ["--include", "/top.txt"], dirs: true },
  { name: "exclude dir/ (trailing slash)", args: ["--exclude", "dir/"], dirs: true },
  { name: "include dir/ (trailing slash, include)", args: ["--include", "dir/"], dirs: true },
  { name: "double star deep", args: ["--include", "**/deep/*"], dirs: true },
  { name: "min-size 1k", args: ["--min-size", "1k"] },
  { name: "max-size 100b", args: ["--max-size", "100b"] },
  { name: "size window", args: ["--min-size", "100b", "--max-size", "1Ki"] },
  { name: "max-age 30d", args: ["--max-age", "30d"] },
  { name: "min-age 30d", args: ["--min-age", "30d"] },
  { name: "max-age 1w with rules", args: ["--max-age", "1w", "--include", "*.{txt,log}"] },
  { name: "max-age absolute date", args: ["--max-age", "2005-01-01"] },
  { name: "min-age absolute date and time", args: ["--min-age", "2015-01-01 00:00:00"] },
  { name: "min-age RFC 3339", args: ["--min-age", "2010-01-01T00:00:00Z"] },
  {
    name: "include-from with comments",
    args: ["--include-from", "@inc"],
    sideFiles: { inc: "# pictures\n*.jpg\n\n; and docs\n  *.md  \n/logs/**\n" },
    dirs: true,
  },
  {
    name: "exclude-from with comments",
    args: ["--exclude-from", "@exc"],
    sideFiles: { exc: "# logs\r\n*.log\r\n;dot files\r\n.*\r\n/a/deep/\r\n" },
    dirs: true,
  },
  {
    name: "filter-from with ! clearing",
    args: ["--filter-from", "@flt"],
    sideFiles: { flt: "- *.txt\n!\n+ *.md\n# comment\n- *\n" },
    dirs: true,
  },
  {
    name: "filter-from + and - with dirs",
    args: ["--filter-from", "@flt"],
    sideFiles: { flt: "- /a/deep/deeper/**\n+ /a/**\n+ /logs/*.log\n- *\n" },
    dirs: true,
  },
  {
    name: "! on the command line clears includes too",
    args: ["--include", "*.jpg", "--filter", "!", "--filter", "+ *.md"],
  },
  {
    name: "files-from",
    args: ["--files-from", "@list"],
    sideFiles: { list: "# wanted\ntop.txt\n/a/deep/d.txt\n  b/sub/s.jpg  \nmissing.txt\nc d/ünï/z.txt\ndir\n" },
    dirs: true,
  },
  {
    name: "files-from-raw keeps spaces",
    args: ["--files-from-raw", "@list"],
    sideFiles: { list: "file with spaces.txt\n  top.txt\n# not a comment\nA/Upper.TXT\n" },
    dirs: true,
  },
  {
    name: "files-from and files-from-raw together",
    args: ["--files-from", "@one", "--files-from-raw", "@two"],
    sideFiles: { one: "logs/2020/jan.log\n", two: "dir/dir/g.txt\n" },
    dirs: true,
  },
  { name: "exclude-if-present", args: ["--exclude-if-present", ".ignore"], dirs: true },
  { name: "exclude-if-present with include", args: ["--exclude-if-present", ".ignore", "--include", "*.jpg"] },
  { name: "exclude-if-present at the root", args: ["--exclude-if-present", "top.txt"], dirs: true },
  { name: "ignore-case include", args: ["--ignore-case", "--include", "*.jpg"] },
  { name: "ignore-case dir include", args: ["--ignore-case", "--include", "/a/**"], dirs: true },
  { name: "ignore-case exclude", args: ["--ignore-case", "--exclude", "*.TXT"] },
  { name: "question mark", args: ["--include", "a?.*"] },
  { name: "escaped star and question", args: ["--include", "star\\*.txt", "--include", "what\\?.txt"] },
  { name: "escaped brackets and braces", args: ["--include", "\\[brackets\\].txt", "--include", "\\{braces\\}.txt"] },
  { name: "unescaped braces are alternation", args: ["--include", "{braces}.txt"] },
  { name: "include then exclude (include wins first)", args: ["--include", "*.txt", "--exclude", "a/**"], dirs: true },
  {
    name: "exclude given before include is still added after",
    args: ["--exclude", "/logs/2020/**", "--include", "*.log"],
  },
  { name: "alternation of extensions", args: ["--include", "*.{jpg,png}"] },
  { name: "double star any depth", args: ["--include", "**/*.log"], dirs: true },
  { name: "exclude dot files", args: ["--exclude", ".*"] },
  { name: "exclude dot directories", args: ["--exclude", ".*/"], dirs: true },
  { name: "top level only", args: ["--include", "/*"], dirs: true },
  { name: "include star", args: ["--include", "*"], dirs: true },
  { name: "exclude star", args: ["--exclude", "*"], dirs: true },
  {
    name: "filter chain",
    args: ["--filter", "- *.jpg", "--filter", "+ logs/**", "--filter", "+ a/**", "--filter", "- **"],
    dirs: true,
  },
  {
    name: "filter chain excluding everything",
    args: ["--filter", "- *.log", "--filter", "+ logs/**", "--filter", "- **"],
    dirs: true,
  },
  { name: "include file glob implies its directories", args: ["--include", "/a/deep/*.txt"], dirs: true },
  { name: "unicode names", args: ["--include", "日本語.md", "--include", "naïve*", "--include", "ünï/*"], dirs: true },
  { name: "emoji with question mark", args: ["--include", "emoji ?.png"] },
  { name: "posix class", args: ["--include", "[[:upper:]]*"] },
  { name: "bang in class is literal", args: ["--include", "[!a]*.txt"] },
  { name: "negated class", args: ["--include", "[^a]*.txt"] },
  { name: "embedded regexp", args: ["--include", "{{.*\\.(jpg|png)}}"] },
  { name: "embedded case-insensitive regexp", args: ["--include", "{{(?i).*\\.jpg}}"] },
  { name: "backslash class escape", args: ["--include", "a\\d.*"] },
  { name: "alternation in name", args: ["--include", "main.{c,h}"] },
  { name: "directory with space", args: ["--include", "/c d/**"], dirs: true },
  { name: "exclude deep subtree anywhere", args: ["--exclude", "**/deeper/**"], dirs: true },
  { name: "unanchored dir glob", args: ["--include", "dir/*"], dirs: true },
  { name: "unanchored two-level glob", args: ["--include", "*/deep/*.txt"], dirs: true },
  { name: "include double star", args: ["--include", "**"], dirs: true },
  { name: "keep subtree inside excluded tree", args: ["--filter", "+ /a/deep/**", "--filter", "- /a/**"], dirs: true },
  { name: "exclude every top-level dir", args: ["--exclude", "/*/"], dirs: true },
  { name: "rules plus size", args: ["--include", "*.txt", "--max-size", "500b"] },
  { name: "duplicate rules are dropped", args: ["--include", "*.md", "--include", "*.md", "--exclude", "*.md"] },
  // rclone refuses these.
  { name: "too many stars", args: ["--include", "***"], error: true },
  { name: "nested braces", args: ["--include", "a{b,{c}}"], error: true },
  { name: "unclosed bracket", args: ["--include", "[abc"], error: true },
  { name: "malformed filter rule", args: ["--filter", "x *.txt"], error: true },
  {
    name: "files-from with other filters",
    args: ["--files-from", "@list", "--include", "*.txt"],
    sideFiles: { list: "top.txt\n" },
    error: true,
  },
  { name: "missing include-from file", args: ["--include-from", "@missing/none.txt"], error: true },
  { name: "bad embedded regexp", args: ["--include", "{{(}}"], error: true },
  { name: "min-age larger than max-age", args: ["--min-age", "2d", "--max-age", "1d"], error: true },
];

/** Replaces `@name` arguments with paths under `sideDir` (writing the side files there). */
export function materializeArgs(c: FilterCase, sideDir: string): string[] {
  mkdirSync(sideDir, { recursive: true });
  for (const [name, content] of Object.entries(c.sideFiles ?? {})) writeFileSync(join(sideDir, name), content);
  return c.args.map((a) => (a.startsWith("@") ? join(sideDir, a.slice(1)) : a));
}
