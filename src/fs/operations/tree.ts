/**
 * rclone's `tree`: the listing drawn with `├──`, `└──` and `│` branches, as rclone renders it with the
 * a8m/tree package (including its quirks, so outputs compare line for line).
 */

import type { Filter } from "../filter/filter.js";
import { loadModTimes } from "../modtime.js";
import { baseName } from "../path.js";
import type { CallOptions, Entry } from "../types.js";
import { goFixed } from "./format.js";
import { assertTargetFilter } from "./list.js";
import type { Target } from "./target.js";
import { compareNames, walk } from "./walk.js";

export type TreeSort = "name" | "version" | "size" | "mtime";

export interface TreeOptions extends CallOptions {
  /** List names starting with `.` too (hidden by default, as in tree(1)). */
  all?: boolean;
  dirsOnly?: boolean;
  /** Print each entry's path from the root (`/a/b`) instead of its name. */
  fullPath?: boolean;
  /** Directory levels to descend (0 or negative = all). */
  level?: number;
  /** Print sizes in bytes (directories: the total of what is listed below them). */
  size?: boolean;
  /** Print sizes in tree(1)'s short units (`1.5K`); implies a size column. */
  humanReadable?: boolean;
  /** Print files' permissions (remotes have none, so `-rw-rw-rw-` as rclone shows). */
  protections?: boolean;
  /** Print files' modtimes as `Jan 02 15:04`. */
  modTime?: boolean;
  /** Quote names with double quotes. */
  quote?: boolean;
  /** Keep listing order. */
  unsorted?: boolean;
  /**
   * Sort key (default name). As in rclone only one comparison applies, by precedence
   * mtime > dirsFirst > version > size > name; `dirsFirst` keeps listing order within each group.
   */
  sort?: TreeSort;
  dirsFirst?: boolean;
  reverse?: boolean;
  /** Show only what this filter includes; excluded directories are not listed (see `listTarget`). */
  filter?: Filter;
  /** No branch drawing. */
  noIndent?: boolean;
  /** Omit the `N directories, M files` footer. */
  noReport?: boolean;
}

/** A node of the drawn tree. `children` is set for directories that were listed. */
export interface TreeNode {
  name: string;
  /** Path from the root, `""` for the root itself. */
  path: string;
  isDir: boolean;
  /** Bytes for files, -1 for directories. */
  size: number;
  modTime: Date;
  depth: number;
  children?: TreeNode[];
}

export interface TreeResult {
  root: TreeNode;
  /** The footer counts, as rclone computes them (see `buildTree`). */
  dirs: number;
  files: number;
}

const compareStrings = (a: string, b: string) => compareNames(a, b);

/** tree(1)'s natural order: digit runs compare as numbers, fewer leading zeros first on ties. */
export function naturalLess(a: string, b: string): boolean {
  const digit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9";
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c1 = a[i] as string;
    const c2 = b[j] as string;
    const d1 = digit(c1);
    const d2 = digit(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return compareStrings(c1, c2) < 0;
      i++;
      j++;
      continue;
    }
    while (a[i] === "0") i++;
    while (b[j] === "0") j++;
    const s1 = i;
    const s2 = j;
    while (digit(a[i])) i++;
    while (digit(b[j])) j++;
    const n1 = a.slice(s1, i);
    const n2 = b.slice(s2, j);
    if (n1.length !== n2.length) return n1.length < n2.length;
    if (n1 !== n2) return n1 < n2;
    // Equal numbers: fewer leading zeros first (everything before them is equal, so positions tell).
    if (s1 !== s2) return s1 < s2;
  }
  return a.length < b.length;
}

function lessFor(options: TreeOptions): ((a: TreeNode, b: TreeNode) => boolean) | undefined {
  if (options.unsorted) return undefined;
  // a8m/tree uses exactly one comparison, picked in this order.
  if (options.sort === "mtime") return (a, b) => a.modTime.getTime() < b.modTime.getTime();
  if (options.dirsFirst) return (a, b) => a.isDir && !b.isDir;
  if (options.sort === "version") return (a, b) => naturalLess(a.name, b.name);
  if (options.sort === "size") return (a, b) => a.size < b.size;
  return (a, b) => compareStrings(a.name, b.name) < 0;
}

function sortNodes(nodes: TreeNode[], options: TreeOptions): void {
  const less = lessFor(options);
  if (!less) return;
  const cmp = options.reverse
    ? (a: TreeNode, b: TreeNode) => (less(b, a) ? -1 : less(a, b) ? 1 : 0)
    : (a: TreeNode, b: TreeNode) => (less(a, b) ? -1 : less(b, a) ? 1 : 0);
  nodes.sort(cmp);
}

/**
 * Lists the target into a tree. The footer counts follow rclone: directories below the root and files
 * that are shown, except that both stay 0 when no file is shown (rclone prints `0 directories` for a
 * tree of empty directories, and always with `dirsOnly`). Throws `DirNotFound` for a missing directory,
 * `Usage` for a file target with an active filter.
 */
export async function buildTree(target: Target, options: TreeOptions = {}): Promise<TreeResult> {
  assertTargetFilter(target, options.filter);
  const listed = new Map<string, Entry[]>();
  if (target.file) listed.set("", [target.file]);
  else {
    const level = options.level !== undefined && options.level > 0 ? options.level : undefined;
    for await (const { dir, entries } of walk(target.fs, "", {
      maxDepth: level,
      filter: options.filter,
      signal: options.signal,
    })) {
      if (options.modTime || options.sort === "mtime") await loadModTimes(entries, { signal: options.signal });
      listed.set(dir, entries);
    }
  }
  const level = options.level ?? 0;
  const visit = (node: TreeNode): [number, number] => {
    if (!node.isDir) return [0, 1];
    let dirs = node.depth !== 0 ? 1 : 0;
    let files = 0;
    if (level > 0 && level <= node.depth) return [dirs, files];
    const entries = listed.get(node.path) ?? [];
    node.children = [];
    for (const e of entries) {
      const name = baseName(e.remote);
      if (!options.all && name.startsWith(".")) continue;
      const child: TreeNode = {
        name,
        path: e.remote,
        isDir: e.kind === "dir",
        size: e.kind === "file" ? e.size : -1,
        modTime: e.modTime,
        depth: node.depth + 1,
      };
      const [d, f] = visit(child);
      if (!child.isDir && options.dirsOnly) continue;
      node.children.push(child);
      dirs += d;
      files += f;
    }
    sortNodes(node.children, options);
    return [dirs, files];
  };
  const root: TreeNode = { name: "/", path: "", isDir: true, size: -1, modTime: new Date(), depth: 0 };
  const [dirs, files] = visit(root);
  return files !== 0 ? { root, dirs, files } : { root, dirs: 0, files: 0 };
}

/** Total size listed under a directory; `deep` when a directory below the level limit was left unlisted. */
function recursiveSize(node: TreeNode, level: number): { size: number; deep: boolean } {
  let deep = level > 0 && node.depth >= level;
  let size = 0;
  for (const c of node.children ?? []) {
    if (!c.isDir) size += c.size;
    else {
      const r = recursiveSize(c, level);
      size += r.size;
      deep ||= r.deep;
    }
  }
  return { size, deep };
}

/** tree(1)'s short sizes: `512`, `1.5K`, `20M` (a unit only above 1024 of the one below). */
export function treeUnits(bytes: number): string {
  const units = ["K", "M", "G", "T", "P", "E"];
  let unit = "";
  let n = bytes;
  for (let i = units.length - 1; i >= 0; i--) {
    const limit = 2 ** (10 * (i + 1));
    if (bytes > limit) {
      unit = units[i] as string;
      n = bytes / limit;
      break;
    }
  }
  return `${goFixed(n, unit === "" || n >= 10 ? 0 : 1)}${unit}`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function treeTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${MONTHS[d.getMonth()]} ${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The lines of a built tree, footer included unless `noReport`; each without its newline. */
export function renderTree(result: TreeResult, options: TreeOptions = {}): string[] {
  const lines: string[] = [];
  const level = options.level ?? 0;
  const sizes = options.size || options.humanReadable;
  const sizeText = (n: number) => (options.humanReadable ? treeUnits(n).padStart(4) : String(n).padStart(11));
  const draw = (node: TreeNode, indent: string, prefix: string) => {
    const props: string[] = [];
    if (!node.isDir) {
      if (options.protections) props.push("-rw-rw-rw-");
      if (sizes) props.push(sizeText(node.size));
      if (options.modTime) props.push(treeTime(node.modTime));
    } else if (sizes) {
      const { size, deep } = recursiveSize(node, level);
      props.push(deep && size <= 0 ? (options.humanReadable ? "????" : "???????????") : sizeText(size));
    }
    let name = node.depth === 0 ? "/" : options.fullPath ? `/${node.path}` : node.name;
    if (options.quote) name = `"${name}"`;
    lines.push(`${prefix}${props.length > 0 ? `[${props.join(" ")}]  ` : ""}${name}`);
    const children = node.children ?? [];
    children.forEach((c, i) => {
      if (options.noIndent) draw(c, indent, indent);
      else if (i === children.length - 1) draw(c, `${indent}    `, `${indent}└── `);
      else draw(c, `${indent}│   `, `${indent}├── `);
    });
  };
  draw(result.root, "", "");
  if (!options.noReport) {
    lines.push("");
    lines.push(`${result.dirs} directories${options.dirsOnly ? "" : `, ${result.files} files`}`);
  }
  return lines;
}
