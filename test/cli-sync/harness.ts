/**
 * Side-by-side runs of the transfer commands: each case builds the same trees twice, runs real rclone
 * in one copy and strata in the other (same arguments, same relative paths, each tool's cwd at its own
 * copy), and compares the trees afterwards, the exit codes and the log lines that name what was done.
 */
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { type CliResult, rclone, strata, stripStamps } from "../commands/run-cli.js";

export { hasRclone } from "../commands/run-cli.js";

/** 2021-03-04 05:06:07 UTC: the modtime of most files. */
export const T0 = new Date("2021-03-04T05:06:07Z");
export const NEWER = new Date("2022-01-01T00:00:00Z");
export const OLDER = new Date("2020-01-01T00:00:00Z");

/** A file (content, modtime T0 unless given) or, as null, an empty directory. */
export type Entry = string | Uint8Array | { data: string | Uint8Array; mtime: Date } | null;
export type Spec = Record<string, Entry>;

const big = new Uint8Array(1536).map((_, i) => i & 0xff);

/**
 * The source tree of most cases: new files in nested directories, an empty one, and files whose
 * destination copy (in `DST`) differs in the ways the decision flags tell apart.
 */
export const SRC: Spec = {
  "f1.txt": "hello",
  "a/f2.bin": "world!\n", // DST: same size and modtime, other bytes (only --checksum sees it)
  "a/b/zero": "",
  "c/big.dat": big,
  "same.txt": "same content", // DST: identical
  "mod.txt": { data: "newer src", mtime: NEWER }, // DST: older and shorter
  "older.txt": "src is older", // DST: newer, other size (--update keeps it)
  "touched.txt": "touch me", // DST: same bytes, older modtime (only the modtime is fixed)
  "sizediff.txt": "abc", // DST: same modtime, other size (--ignore-size keeps it)
  "d/e/deep.txt": "xyz",
  "logs/app.log": "log line",
  emptydir: null,
};

/** The pre-populated destination: extra, modified and identical files. */
export const DST: Spec = {
  "a/f2.bin": "WORLD!\n",
  "same.txt": "same content",
  "mod.txt": "old",
  "older.txt": { data: "dst is newer!!", mtime: NEWER },
  "touched.txt": { data: "touch me", mtime: OLDER },
  "sizediff.txt": "abcdef",
  "extra.txt": "extra",
  "extra/sub/x.txt": "x",
  "extra/keep.log": "excluded on the destination",
};

const base = mkdtempSync(join(tmpdir(), "strata-cli-sync-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Writes `spec` under `root` (created), files with their modtimes. */
export function writeTree(root: string, spec: Spec): void {
  mkdirSync(root, { recursive: true });
  for (const [path, entry] of Object.entries(spec)) {
    const full = join(root, path);
    if (entry === null) {
      mkdirSync(full, { recursive: true });
      continue;
    }
    const { data, mtime } = typeof entry === "object" && "data" in entry ? entry : { data: entry, mtime: T0 };
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data);
    utimesSync(full, mtime, mtime);
  }
}

/**
 * Every entry under `root`, sorted: `dir/` for directories, `path size md5[:8] mtime-seconds` for
 * files. Directory modtimes are left out (rclone 1.60 does not copy them). `<missing>` when absent.
 */
export function snapshot(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const st = statSync(full);
      if (st.isDirectory()) {
        out.push(`${path}/`);
        visit(full, path);
      } else {
        const md5 = createHash("md5").update(readFileSync(full)).digest("hex").slice(0, 8);
        out.push(`${path} ${st.size} ${md5} ${Math.floor(st.mtimeMs / 1000)}`);
      }
    }
  };
  try {
    visit(root, "");
  } catch {
    return ["<missing>"];
  }
  return out;
}

export interface Side {
  /** This tool's copy: holds `src`, `dst` and whatever the arguments create (e.g. `bk`). */
  root: string;
  result: CliResult;
  /** The snapshot of `root/<name>` (default `dst`). */
  tree(name?: string): string[];
  /** The snapshots of `src`, `dst` and `bk` taken before the run. */
  before: Record<"src" | "dst" | "bk", string[]>;
}

export interface Pair {
  rclone: Side;
  strata: Side;
}

export interface PairOptions {
  src?: Spec;
  dst?: Spec | undefined;
  /** Arguments only strata gets (e.g. `--disable copy`, to take the streaming path rclone's local backend takes). */
  strataExtra?: string[];
}

let seq = 0;

/**
 * Builds `src` (default SRC) and `dst` (default DST; `undefined` in options for none) in two fresh
 * copies and runs `rclone <args>` in one and `strata <args>` in the other, concurrently.
 */
export async function runBoth(args: string[], o: PairOptions = {}): Promise<Pair> {
  const dir = join(base, String(seq++));
  const side = async (tool: "rclone" | "strata"): Promise<Side> => {
    const root = join(dir, tool);
    writeTree(join(root, "src"), o.src ?? SRC);
    const dst = "dst" in o ? o.dst : DST;
    if (dst) writeTree(join(root, "dst"), dst);
    const before = {
      src: snapshot(join(root, "src")),
      dst: snapshot(join(root, "dst")),
      bk: snapshot(join(root, "bk")),
    };
    const result =
      tool === "rclone"
        ? await rclone(args, { cwd: root })
        : await strata([...args, ...(o.strataExtra ?? [])], { cwd: root });
    return { root, result, before, tree: (name = "dst") => snapshot(join(root, name)) };
  };
  const [r, s] = await Promise.all([side("rclone"), side("strata")]);
  return { rclone: r, strata: s };
}

/** Log lines (timestamps stripped), with the absolute root replaced by ROOT. */
export function logLines(side: Side): string[] {
  return stripStamps(side.result.stderr)
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split(side.root).join("ROOT"));
}

/** The lines that say what was done to which file, rclone's words, sorted. */
const ACTION =
  /^(?:INFO {2}|NOTICE): (.+): (Copied \(new\)|Copied \(replaced existing\)|Copied \(new\) to: .+|Copied \(replaced existing\) to: .+|Deleted|Updated modification time in destination|Moved \(server-side\)(?: to: .+)?|Moved into backup dir|Removing directory|Skipped .+ as --dry-run is set.*)$/;

export function actions(side: Side, only?: RegExp): string[] {
  return logLines(side)
    .filter((l) => ACTION.test(l) && (!only || only.test(l)))
    .map((l) => l.replace(/^(INFO {2}|NOTICE): /, ""))
    .sort();
}

/** The files a log reports as copied (new or replaced) and deleted, sorted. */
export function transferred(side: Side): string[] {
  return actions(side, /: (Copied \((new|replaced existing)\)|Deleted)$/);
}

/** The labels of the final stats block (`Transferred`, `Checks`, …), in order. */
export function statsLabels(text: string): string[] {
  const lines = stripStamps(text).split("\n");
  const start = lines.findIndex((l) => l.startsWith("Transferred:"));
  if (start < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(start)) {
    const m = /^([A-Z][A-Za-z ]+):/.exec(l);
    if (!m) break;
    out.push(m[1] as string);
  }
  return out;
}
