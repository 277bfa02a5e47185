/** Helpers for the chunker tests over the rclone 1.60 fixture set (see its README). */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { quoteValue } from "../../src/fs/fspath.js";
import type { Fs, FsObject } from "../../src/fs/types.js";

/**
 * The rclone 1.60 fixture set, in the shared folder beside the repository. A clone elsewhere (CI
 * clones to a scratch folder) finds it through STRATA_SHARED or at /work/shared.
 */
export const FIXTURES = fixturesDir(
  [process.env.STRATA_SHARED, join(import.meta.dirname, "../../../shared"), "/work/shared"]
    .filter((d): d is string => d !== undefined)
    .map((d) => join(d, "fixtures/rclone-1.60"))
    .find((d) => existsSync(d)),
);

function fixturesDir(found: string | undefined): string {
  if (!found) throw new Error("rclone 1.60 fixtures not found: set STRATA_SHARED to the shared folder");
  return found;
}
export const CHUNKER_CASES = [
  "01-chunker-defaults",
  "02-chunker-name-format",
  "03-chunker-no-meta",
  "04-chunker-all-hash-norename",
] as const;

export interface CaseFile {
  path: string;
  size: number;
  sha256: string;
  md5: string;
  sha1: string;
}

export interface ViewEntry {
  path: string;
  is_dir: boolean;
  size?: number;
  modtime?: string;
  hashes?: Record<string, string>;
}

export interface ChunkerCase {
  id: string;
  stack: { type: string; options: Record<string, string> }[];
  connection_string: string;
  connection_string_template: string;
  files: CaseFile[];
  dirs: string[];
  empty_dirs: { plain: string; stored_as: string }[];
  plain_mtime: string;
  verified_by: { argv: string[]; exit_code: number }[];
  rclone_view: ViewEntry[];
}

export function loadCase(id: string): ChunkerCase {
  return JSON.parse(readFileSync(join(FIXTURES, "cases", id, "case.json"), "utf8")) as ChunkerCase;
}

export function loadReverse(id: string): Reverse {
  return JSON.parse(readFileSync(join(FIXTURES, "reverse", `${id}.json`), "utf8")) as Reverse;
}

export interface StoredRef {
  stored?: string;
  stored_pattern?: string;
  size: number;
  sha256?: string;
  json?: Record<string, unknown>;
  json_fields_that_vary?: string[];
}

export interface Reverse {
  bytes_on_rewrite_by_role: Record<string, string>;
  layout: {
    dirs: { stored: string }[];
    files: { of: string; whole?: StoredRef; meta?: StoredRef; chunks?: StoredRef[] }[];
  };
}

const temps: string[] = [];

export function tempDir(prefix = "strata-chunker-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

export function removeTemps(): void {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Every file under `root`, relative, `/`-separated. */
export function filesUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

/** Every directory under `root`, relative. */
export function dirsUnder(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const p = join(dir, d.name);
      out.push(relative(root, p));
      walk(p);
    }
  };
  walk(root);
  return out.sort();
}

/** A copy of a case's stored tree as rclone left it: empty directories recreated, mtimes restored. */
export function restoreStored(c: ChunkerCase): string {
  const dir = tempDir();
  cpSync(join(FIXTURES, "cases", c.id, "stored"), dir, { recursive: true });
  for (const e of c.empty_dirs) mkdirSync(join(dir, e.stored_as), { recursive: true });
  const t = new Date(c.plain_mtime);
  for (const f of filesUnder(dir)) utimesSync(join(dir, f), t, t);
  return dir;
}

/** The case's connection string pointed at `dir` (the fixtures' temp dirs need no quoting). */
export function connectionFor(c: ChunkerCase, dir: string): string {
  return c.connection_string_template.replace("{stored}", quoteValue(dir));
}

export function fileSize(path: string): number {
  return statSync(path).size;
}

/** Every file (by path) and directory under `dir` of `fs`, read through its listings. */
export async function walk(fs: Fs, dir = "", files = new Map<string, FsObject>(), dirs: string[] = []) {
  for (const e of await fs.list(dir)) {
    if (e.kind === "dir") {
      dirs.push(e.remote);
      await walk(fs, e.remote, files, dirs);
    } else files.set(e.remote, e);
  }
  return { files, dirs };
}
