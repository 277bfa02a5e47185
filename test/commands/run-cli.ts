/**
 * Runs the built CLI (the tests' own build, see test/global-setup.ts; its entry mirrors bin/strata.js)
 * and real rclone as child processes, each with an empty config of its own and TZ=UTC, so outputs
 * can be compared.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll } from "vitest";
import { CLI_ENTRY } from "../global-setup.js";

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Data piped to stdin; without it stdin is /dev/null (a character device, as a terminal is to rclone). */
  input?: string | Uint8Array;
}

const home = mkdtempSync(join(tmpdir(), "strata-cli-home-"));
const strataConfig = join(home, "strata.conf");
const rcloneConfig = join(home, "rclone.conf");
writeFileSync(strataConfig, "");
writeFileSync(rcloneConfig, "");
// Each test file imports this module once; its root suite removes the directory at the end.
afterAll(() => rmSync(home, { recursive: true, force: true }));

function exec(cmd: string, args: string[], env: NodeJS.ProcessEnv, options: RunOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd ?? home,
      env: { ...process.env, ...env, TZ: "UTC", ...options.env },
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        code: code ?? -1,
      }),
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Runs `strata <args>` with an empty config file and XDG_CONFIG_HOME in a temp dir. */
export function strata(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return exec(process.execPath, [CLI_ENTRY, ...args], { STRATA_CONFIG: strataConfig, XDG_CONFIG_HOME: home }, options);
}

/** Runs real rclone with an empty config. Check `hasRclone` first. */
export function rclone(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return exec("rclone", args, { RCLONE_CONFIG: rcloneConfig, XDG_CONFIG_HOME: home }, options);
}

export const hasRclone = (() => {
  try {
    execFileSync("rclone", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

/** One entry of `lsjson` output, as both rclone and strata print it. */
export interface LsjsonItem {
  Path: string;
  Name: string;
  Size: number;
  MimeType: string;
  ModTime: string;
  IsDir: boolean;
  Hashes?: Record<string, string>;
}

/** The files of an `lsjson` listing, by path. */
export const filesByPath = (items: LsjsonItem[]): Map<string, LsjsonItem> =>
  new Map(items.filter((i) => !i.IsDir).map((i) => [i.Path, i]));

/** rclone's log lines start with a timestamp; drop it so logs compare. */
export function stripStamps(text: string): string {
  return text.replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /gm, "");
}

/** Lines of `text`, sorted (for listings whose order rclone does not fix). */
export function sortedLines(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

/** A file's content, or null for a directory. Modtimes are set to `MTIME` unless given. */
export type TreeSpec = Record<string, string | Uint8Array | null>;

/** 2021-03-04 05:06:07 UTC. */
export const MTIME = new Date("2021-03-04T05:06:07Z");

/**
 * Creates a fresh temp directory holding `spec` (paths with `/`), every file and directory (and the
 * root) with modtime `mtime`, so listings are stable.
 */
export function makeTree(spec: TreeSpec, mtime = MTIME): string {
  const root = mkdtempSync(join(tmpdir(), "strata-cli-tree-"));
  const dirs = new Set<string>([root]);
  for (const [path, content] of Object.entries(spec)) {
    const full = join(root, path);
    if (content === null) {
      mkdirSync(full, { recursive: true });
    } else {
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      utimesSync(full, mtime, mtime);
    }
    for (let d = content === null ? full : dirname(full); d.startsWith(root); d = dirname(d)) dirs.add(d);
  }
  // Deepest first, so setting a child's time does not disturb its parent's afterwards.
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) utimesSync(d, mtime, mtime);
  return root;
}

/** The standard tree most tests use: 4 files (5, 7, 0 and 1536 bytes) and 4 directories. */
export const STANDARD: TreeSpec = {
  "f1.txt": "hello",
  "a/f2.bin": "world!\n",
  "a/b/zero": "",
  "c/big.dat": new Uint8Array(1536),
  empty: null,
};

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/**
 * Every path under `root`, depth first in name order: directories with a slash, files with size and
 * modtime; `["<missing>"]` when `root` does not exist.
 */
export function snapshot(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const st = statSync(join(dir, name));
      const path = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) {
        out.push(`${path}/`);
        visit(join(dir, name), path);
      } else out.push(`${path} ${st.size} ${st.mtime.toISOString()}`);
    }
  };
  try {
    visit(root, "");
  } catch {
    return ["<missing>"];
  }
  return out;
}
