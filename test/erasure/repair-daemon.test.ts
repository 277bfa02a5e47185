/**
 * Acceptance for `strata erasure repair --watch` as a real child process (issue 16, item 3): with a
 * 2 s interval and metrics on 127.0.0.1, one upstream's directory deleted and pieces corrupted on
 * another are repaired within 3 sweeps, /metrics (scraped with fetch) shows the unhealthy counts
 * rise and fall back to 0; SIGTERM stops it cleanly; a daemon killed with SIGKILL in the middle of
 * a (bandwidth-limited) rebuild loses no file, and a restarted one finishes the repair.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { strata } from "../commands/run-cli.js";
import { CLI_ENTRY } from "../global-setup.js";
import { tempDirs } from "../temp-dirs.js";
import { type ErasureTree, open, readsBack, shardFile } from "./tree.js";

const tempDir = tempDirs("strata-ec-daemon-");
const MiB = 1 << 20;
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

/** erasure(4 + 2, 64 KiB segments) over six fresh directories holding `files` (path → size). */
async function makeTree(files: Record<string, number>): Promise<ErasureTree> {
  const dirs = Array.from({ length: 6 }, () => tempDir());
  const remotes = dirs.map((d) => `'${d}'`).join(" ");
  const spec = `:erasure,remotes=${quoteValue(remotes)},data_shards=4,parity_shards=2,optimal=6,segment_size=64k:`;
  const fs = await open(spec);
  const contents = new Map<string, Buffer>();
  for (const [remote, size] of Object.entries(files)) {
    const data = randomBytes(size);
    contents.set(remote, data);
    await fs.put(fromBytes(data), { remote, size, modTime: new Date("2024-05-06T07:08:09Z") });
  }
  return { dirs, spec, contents, remove: () => undefined };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Daemon {
  child: ChildProcess;
  port: number;
  log: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startDaemon(spec: string, extra: string[] = []): Promise<Daemon> {
  const port = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), "strata-ec-daemon-conf-")), "strata.conf");
  writeFileSync(config, "");
  const args = ["erasure", "repair", "--watch", "--interval", "2s", "--metrics-addr", `127.0.0.1:${port}`];
  const child = spawn(process.execPath, [CLI_ENTRY, ...args, "-v", ...extra, spec], {
    env: { ...process.env, STRATA_CONFIG: config },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, port, log: () => stderr, exited };
}

/** The daemon's metrics as `name{labels}` → value; undefined while it does not answer yet. */
async function scrape(d: Daemon): Promise<Map<string, number> | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${d.port}/metrics`);
    const text = await res.text();
    const out = new Map<string, number>();
    for (const line of text.split("\n")) {
      if (line === "" || line.startsWith("#")) continue;
      const cut = line.lastIndexOf(" ");
      out.set(line.slice(0, cut), Number(line.slice(cut + 1)));
    }
    return out;
  } catch {
    return undefined;
  }
}

const unhealthy = (m: Map<string, number>) =>
  ["degraded", "at_risk", "unreadable"].reduce((n, s) => n + (m.get(`strata_erasure_files{state="${s}"}`) ?? 0), 0);
const sweeps = (m: Map<string, number> | undefined) => m?.get("strata_erasure_sweeps_total") ?? 0;

/** Polls the daemon's metrics until `done` holds for them; fails with its log after `timeoutMs`. */
async function until(d: Daemon, done: (m: Map<string, number>) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await scrape(d);
    if (m && done(m)) return m;
    if (Date.now() > deadline) throw new Error(`timed out; daemon log:\n${d.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Flips a byte in the middle of shard `index` of `remote` (inside a piece: header and size stay right). */
function corruptPiece(tree: ErasureTree, index: number, remote: string): void {
  const f = shardFile(tree, index, remote);
  const bytes = readFileSync(f);
  bytes[Math.floor(bytes.length / 2)] ^= 0x20;
  writeFileSync(f, bytes);
}

/** Every file under `dir` whose name matches `re`, with its size. */
function matching(dir: string, re: RegExp): { name: string; size: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((p) => re.test(p.split("/").at(-1) as string))
    .map((p) => ({ name: p, size: statSync(join(dir, p)).size }));
}

const FILES: Record<string, number> = {
  "big.bin": 6 * MiB,
  "a/one": 1,
  "a/seg": 64 * 1024,
  "a/b/odd": 200_003,
  "c/empty": 0,
  "c/half": 40_000,
};

describe("strata erasure repair --watch", () => {
  it("repairs a lost upstream and corrupt pieces within 3 sweeps, as /metrics shows; SIGTERM stops it", async () => {
    const tree = await makeTree(FILES);
    const d = await startDaemon(tree.spec);
    const first = await until(d, (m) => sweeps(m) >= 1);
    expect(first.get('strata_erasure_files{state="healthy"}')).toBe(6);
    expect(unhealthy(first)).toBe(0);

    const before = sweeps(first);
    rmSync(tree.dirs[5] as string, { recursive: true });
    for (const remote of ["big.bin", "a/b/odd", "c/half"]) corruptPiece(tree, 2, remote);
    let worst = 0;
    const healed = await until(d, (m) => {
      worst = Math.max(worst, unhealthy(m));
      return worst > 0 && unhealthy(m) === 0 && sweeps(m) > before + 1;
    });
    expect(sweeps(healed) - before).toBeLessThanOrEqual(3);
    // Every file lost its shard 5, three also a piece of shard 2: nine shards, each rebuilt once
    // (a sweep under way when the damage was done may find part of it, the next the rest).
    expect(worst).toBeGreaterThan(0);
    expect(healed.get("strata_erasure_repaired_files_total")).toBeGreaterThanOrEqual(6);
    expect(healed.get("strata_erasure_repaired_shards_total")).toBe(9);
    expect(healed.get("strata_erasure_repaired_bytes_total")).toBeGreaterThan(2 * MiB);
    expect(healed.get("strata_erasure_repair_queue_length")).toBe(0);
    expect(d.log()).toMatch(/big\.bin: Repaired shards? \d \((missing|bad on \S+: .*)\)/);

    const verify = await strata(["erasure", "verify", tree.spec]);
    expect([verify.code, verify.stdout]).toEqual([0, "6 files verified: 6 healthy, 0 degraded, 0 unreadable\n"]);
    expect(await readsBack(tree)).toBe(true);

    d.child.kill("SIGTERM");
    expect(await d.exited).toEqual({ code: 0, signal: null });
  });

  it("loses nothing when killed -9 mid-repair, and a restarted daemon finishes the repair", async () => {
    const tree = await makeTree(FILES);
    const lost = tree.dirs[4] as string;
    rmSync(lost, { recursive: true });
    // 2 MiB/s for every byte read and written: rebuilding big.bin's shard takes seconds.
    const slow = await startDaemon(tree.spec, ["--bwlimit", "2M", "--transfers", "1"]);
    const deadline = Date.now() + 30_000;
    // The local backend writes a shard under a partial name first; kill once one holds real bytes.
    while (!matching(lost, /\.partial$/).some((f) => f.size > 256 * 1024)) {
      if (Date.now() > deadline) throw new Error(`no rebuild seen; daemon log:\n${slow.log()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    slow.child.kill("SIGKILL");
    expect((await slow.exited).signal).toBe("SIGKILL");
    expect(await readsBack(tree)).toBe(true);

    const again = await startDaemon(tree.spec);
    const done = await until(again, (m) => sweeps(m) >= 2 && unhealthy(m) === 0);
    expect(sweeps(done)).toBeLessThanOrEqual(3);
    expect(done.get("strata_erasure_repaired_files_total")).toBeGreaterThan(0);
    again.child.kill("SIGTERM");
    expect(await again.exited).toEqual({ code: 0, signal: null });

    expect((await strata(["erasure", "verify", tree.spec])).code).toBe(0);
    expect(await readsBack(tree)).toBe(true);
    // No temporary shard is left: the rebuild renamed its own, and stale ones went on the second sweep.
    for (const dir of tree.dirs) expect(matching(dir, /\.tmp$/)).toEqual([]);
  });
});
