/**
 * Include/exclude rules as rclone keeps them: an ordered list for files and one for directories, first
 * match wins, and the line format of the `--*-from` files.
 */
import { readFile } from "node:fs/promises";
import { FsError } from "../errors.js";
import { compileGlob, globToDirGlobs } from "./glob.js";

/** One rule: include or exclude whatever `regexp` matches. `source` is the Go regexp rclone would print. */
export interface Rule {
  include: boolean;
  source: string;
  regexp: RegExp;
}

/** `+ re` / `- re`, as `rclone --dump filters` prints a rule. */
export function ruleText(rule: Rule): string {
  return `${rule.include ? "+" : "-"} ${rule.source}`;
}

/** An ordered rule list that ignores a rule it already holds (same sign and regexp), as rclone does. */
export class RuleList {
  private list: Rule[] = [];
  private seen = new Set<string>();

  get rules(): readonly Rule[] {
    return this.list;
  }

  get length(): number {
    return this.list.length;
  }

  add(rule: Rule): void {
    const key = ruleText(rule);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(rule);
  }

  clear(): void {
    this.list = [];
    this.seen.clear();
  }

  /** The first matching rule's verdict, or undefined when none matches. */
  match(path: string): boolean | undefined {
    for (const rule of this.list) if (rule.regexp.test(path)) return rule.include;
    return undefined;
  }
}

/** The file and directory rules built from globs, with rclone's rules for deriving one from the other. */
export class RuleSet {
  readonly fileRules = new RuleList();
  readonly dirRules = new RuleList();

  constructor(readonly ignoreCase = false) {}

  /**
   * Adds a glob as an include or exclude rule. A glob ending in `/` is a directory rule (excluding `dir/`
   * excludes `dir/**`); a glob with `**` is both; an include file rule also adds the directory rules
   * needed to reach what it can match. Throws `Usage` for a malformed glob.
   */
  add(include: boolean, glob: string): void {
    let isDirRule = glob.endsWith("/");
    let isFileRule = !isDirRule;
    let pattern = glob;
    if (isDirRule && !include) pattern += "**";
    if (pattern.includes("**")) {
      isDirRule = true;
      isFileRule = true;
    }
    const { source, regexp } = compileGlob(pattern, this.ignoreCase);
    if (isFileRule) {
      this.fileRules.add({ include, source, regexp });
      // An exclude file rule rules out no directory, except `*`, which matches every name.
      if (include || pattern === "*") this.addDirGlobs(include, pattern);
    }
    if (isDirRule) this.dirRules.add({ include, source, regexp });
  }

  /** Adds a `--filter` rule: `+ glob`, `- glob`, or `!` to clear everything so far. Throws `Usage` otherwise. */
  addRule(rule: string): void {
    if (rule === "!") this.clear();
    else if (rule.startsWith("- ")) this.add(false, rule.slice(2));
    else if (rule.startsWith("+ ")) this.add(true, rule.slice(2));
    else throw new FsError("Usage", `malformed rule ${JSON.stringify(rule)}`);
  }

  clear(): void {
    this.fileRules.clear();
    this.dirRules.clear();
  }

  private addDirGlobs(include: boolean, glob: string): void {
    for (const dirGlob of globToDirGlobs(glob)) {
      // The root is always included, so "/" needs no rule.
      if (dirGlob === "/") continue;
      const { source, regexp } = compileGlob(dirGlob, this.ignoreCase);
      this.dirRules.add({ include, source, regexp });
    }
  }

  /** `rclone --dump filters` text for these rules (without the age lines). */
  dump(): string {
    return [
      "--- File filter rules ---",
      ...this.fileRules.rules.map(ruleText),
      "--- Directory filter rules ---",
      ...this.dirRules.rules.map(ruleText),
    ].join("\n");
  }
}

// Go's unicode.IsSpace, which strings.TrimSpace uses (JS's trim differs on U+0085 and U+FEFF).
const SPACE = "[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const TRIM = new RegExp(`^${SPACE}+|${SPACE}+$`, "g");

/**
 * Splits a `--*-from` file into lines as rclone reads it: `\n` ends a line and one `\r` before it is dropped.
 * Unless `raw`, lines are trimmed of white space and blank lines and `#`/`;` comments are skipped.
 */
export function filterFileLines(text: string, raw = false): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const out: string[] = [];
  for (let line of lines) {
    if (line.endsWith("\r")) line = line.slice(0, -1);
    if (!raw) {
      line = line.replace(TRIM, "");
      if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    }
    out.push(line);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a `--*-from` file (`-` is stdin) into lines. Throws `Usage` naming the file when it cannot be read. */
export async function readFilterFile(path: string, raw = false): Promise<string[]> {
  let text: string;
  try {
    text = path === "-" ? await readStdin() : await readFile(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new FsError("Usage", `can't read filter file ${JSON.stringify(path)}: ${reason}`, { cause: err });
  }
  return filterFileLines(text, raw);
}
