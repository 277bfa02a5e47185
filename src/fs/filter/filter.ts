/**
 * rclone's filter: include/exclude rules, `--files-from`, size and age limits, `--exclude-if-present`.
 * Pure: it decides about names, sizes and times; whoever lists a remote asks it. Build one with
 * `Filter.create`, which reads the `--*-from` files.
 */
import { FsError } from "../errors.js";
import { RuleSet, readFilterFile } from "./rules.js";

/** What the filter flags say, already parsed (see `filterOptionsFromArgs` in `flags.ts`). */
export interface FilterOptions {
  /** `--include` globs. */
  include?: string[];
  /** `--exclude` globs. */
  exclude?: string[];
  /** `--filter` rules: `+ glob`, `- glob`, `!`. */
  filter?: string[];
  /** Files of include globs, one per line (`-` is stdin). */
  includeFrom?: string[];
  /** Files of exclude globs. */
  excludeFrom?: string[];
  /** Files of `--filter` rules. */
  filterFrom?: string[];
  /** Files listing the exact paths to use; blank lines and `#`/`;` comments are skipped, lines trimmed. */
  filesFrom?: string[];
  /** As `filesFrom`, but every line is a path as is. */
  filesFromRaw?: string[];
  /** Smallest size included, in bytes (inclusive); negative or absent is off. */
  minSize?: number;
  /** Largest size included, in bytes (inclusive); negative or absent is off. */
  maxSize?: number;
  /** Only objects older than this: milliseconds before `now`, or an absolute time. Infinite or absent is off. */
  minAge?: number | Date;
  /** Only objects newer than this: milliseconds before `now`, or an absolute time. Infinite or absent is off. */
  maxAge?: number | Date;
  /** File names whose presence excludes the directory holding them (and everything below). */
  excludeIfPresent?: string[];
  /** Match globs case-insensitively. */
  ignoreCase?: boolean;
  /** Carried for sync: delete files on the destination that the filter excludes. */
  deleteExcluded?: boolean;
}

function ageCutoff(age: number | Date | undefined, now: Date): Date | undefined {
  if (age === undefined) return undefined;
  if (age instanceof Date) return age;
  if (!Number.isFinite(age)) return undefined;
  return new Date(now.getTime() - age);
}

/** Go's path.Clean for the relative paths `--files-from` gives. */
function cleanPath(p: string): string {
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else if (seg !== ".." || !rooted) out.push(seg);
  }
  const joined = out.join("/");
  return rooted ? `/${joined}` : joined === "" ? "." : joined;
}

/** Go's path.Dir. */
function dirOf(p: string): string {
  return cleanPath(p.slice(0, p.lastIndexOf("/") + 1));
}

/**
 * A built filter. First matching rule wins; with no rule matching, a path is included (the implicit
 * `- **` after includes is an ordinary rule). `--files-from` overrides every other check.
 */
export class Filter {
  /** Objects modified before this are excluded (`--max-age`). */
  readonly modTimeFrom: Date | undefined;
  /** Objects modified after this are excluded (`--min-age`). */
  readonly modTimeTo: Date | undefined;
  private readonly rules: RuleSet;
  private files: Set<string> | undefined;
  private dirs: Set<string> | undefined;

  private constructor(
    private readonly opts: Readonly<FilterOptions>,
    now: Date,
  ) {
    this.rules = new RuleSet(opts.ignoreCase ?? false);
    this.modTimeTo = ageCutoff(opts.minAge, now);
    this.modTimeFrom = ageCutoff(opts.maxAge, now);
    if (this.modTimeTo && this.modTimeFrom && this.modTimeTo < this.modTimeFrom) {
      throw new FsError("Usage", "filter: --min-age can't be larger than --max-age");
    }
  }

  /**
   * Builds a filter. Rules go in rclone's fixed order, whatever the order on the command line: `--include`,
   * `--include-from`, `--exclude`, `--exclude-from`, `--filter`, `--filter-from`, then `- **` at the end
   * if any include was given. `!` in `--filter`/`--filter-from` clears the rules added so far.
   * `now` anchors relative ages.
   * Throws `Usage` for a bad glob or rule, an unreadable file, `--min-age` above `--max-age`, or
   * `--files-from` combined with any other filter.
   */
  static async create(opts: FilterOptions = {}, now: Date = new Date()): Promise<Filter> {
    const f = new Filter({ ...opts }, now);
    const rules = f.rules;
    let implicitExclude = false;
    for (const glob of opts.include ?? []) {
      rules.add(true, glob);
      implicitExclude = true;
    }
    for (const file of opts.includeFrom ?? []) {
      for (const line of await readFilterFile(file)) rules.add(true, line);
      implicitExclude = true;
    }
    for (const glob of opts.exclude ?? []) rules.add(false, glob);
    for (const file of opts.excludeFrom ?? []) {
      for (const line of await readFilterFile(file)) rules.add(false, line);
    }
    for (const rule of opts.filter ?? []) rules.addRule(rule);
    for (const file of opts.filterFrom ?? []) {
      for (const line of await readFilterFile(file)) rules.addRule(line);
    }
    const othersActive = f.isActive();
    for (const [flag, other, list, raw] of [
      ["--files-from", "--files-from-raw", opts.filesFrom, false],
      ["--files-from-raw", "--files-from", opts.filesFromRaw, true],
    ] as const) {
      for (const file of list ?? []) {
        if (othersActive) {
          throw new FsError(
            "Usage",
            `the usage of ${flag} overrides all other filters, it should be used alone or with ${other}`,
          );
        }
        f.files ??= new Set();
        f.dirs ??= new Set();
        for (const line of await readFilterFile(file, raw)) f.addFile(line);
      }
    }
    if (implicitExclude) rules.add(false, "/**");
    return f;
  }

  private addFile(line: string): void {
    const files = this.files as Set<string>;
    const dirs = this.dirs as Set<string>;
    let file = line.replace(/^\/+|\/+$/g, "");
    files.add(file);
    for (;;) {
      file = dirOf(file);
      if (file === "." || file === "/" || dirs.has(file)) break;
      dirs.add(file);
    }
  }

  /** Whether the rules (or `--files-from`, which takes precedence) let `remote` through. Ignores size and age. */
  includeRemote(remote: string): boolean {
    if (this.files) return this.files.has(remote);
    return this.rules.fileRules.match(remote) ?? true;
  }

  /** Whether `includeObject` looks at modtimes (`--min-age`/`--max-age` without `--files-from`). */
  judgesAge(): boolean {
    return !this.files && (this.modTimeFrom !== undefined || this.modTimeTo !== undefined);
  }

  /**
   * Whether an object passes: `--files-from` alone if given, else age (`modTime` at or after the
   * `--max-age` cutoff, at or before the `--min-age` one), size (inclusive bounds), then the rules.
   */
  includeObject(remote: string, size: number, modTime: Date): boolean {
    if (this.files) return this.files.has(remote);
    const t = modTime.getTime();
    if (this.modTimeFrom && t < this.modTimeFrom.getTime()) return false;
    if (this.modTimeTo && t > this.modTimeTo.getTime()) return false;
    const { minSize, maxSize } = this.opts;
    if (minSize !== undefined && minSize >= 0 && size < minSize) return false;
    if (maxSize !== undefined && maxSize >= 0 && size > maxSize) return false;
    return this.includeRemote(remote);
  }

  /**
   * Whether a listing should descend into directory `remote` (slashes at either end are ignored; the root
   * is always included). With `--files-from`, only directories on the path of a listed file; otherwise
   * the directory rules, matched against `remote/`. Does not look for `--exclude-if-present` files: the
   * lister does, with `hasExcludeMarker` or by checking for each name in `excludeIfPresent`.
   */
  includeDirectory(remote: string): boolean {
    const dir = remote.replace(/^\/+|\/+$/g, "");
    if (dir === "") return true;
    if (this.dirs) return this.dirs.has(dir);
    return this.rules.dirRules.match(`${dir}/`) ?? true;
  }

  /** True when `fileNames` (the files, not subdirectories, in one directory) include an exclude marker. */
  hasExcludeMarker(fileNames: Iterable<string>): boolean {
    const markers = this.opts.excludeIfPresent ?? [];
    if (markers.length === 0) return false;
    for (const name of fileNames) if (markers.includes(name)) return true;
    return false;
  }

  /** `--exclude-if-present` names: a directory holding a file with one of these names is excluded whole. */
  get excludeIfPresent(): string[] {
    return [...(this.opts.excludeIfPresent ?? [])];
  }

  /**
   * The `--files-from` paths, with slashes at either end removed as rclone does, or undefined without
   * `--files-from`. The directories leading to them are implicitly included.
   */
  get filesFrom(): Set<string> | undefined {
    return this.files === undefined ? undefined : new Set(this.files);
  }

  get deleteExcluded(): boolean {
    return this.opts.deleteExcluded ?? false;
  }

  get ignoreCase(): boolean {
    return this.rules.ignoreCase;
  }

  /** True when anything is filtered: rules, `--files-from`, sizes, ages or `--exclude-if-present`. */
  isActive(): boolean {
    return (
      this.files !== undefined ||
      this.modTimeFrom !== undefined ||
      this.modTimeTo !== undefined ||
      (this.opts.minSize ?? -1) >= 0 ||
      (this.opts.maxSize ?? -1) >= 0 ||
      this.rules.fileRules.length > 0 ||
      this.rules.dirRules.length > 0 ||
      (this.opts.excludeIfPresent ?? []).length > 0
    );
  }

  /**
   * Whether directory rules may prune a listing (rclone then walks directory by directory rather than
   * using a recursive listing). False when the only directory rule includes everything.
   */
  usesDirectoryFilters(): boolean {
    const first = this.rules.dirRules.rules[0];
    if (first === undefined) return false;
    return !(first.include && first.source === "^.*$");
  }

  /** The rules as `rclone --dump filters` prints them (age lines use ISO times). */
  dump(): string {
    const lines: string[] = [];
    if (this.modTimeFrom)
      lines.push(`Last-modified date must be equal or greater than: ${this.modTimeFrom.toISOString()}`);
    if (this.modTimeTo) lines.push(`Last-modified date must be equal or less than: ${this.modTimeTo.toISOString()}`);
    lines.push(this.rules.dump());
    return lines.join("\n");
  }
}
