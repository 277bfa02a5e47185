/**
 * Sequential throughput of one large file through `strata mount` and `rclone mount`, the same stack
 * (crypt over local, the same keys) for both. Write: `cp` into a mount with --vfs-cache-mode writes
 * and no write-back delay, timed until the encrypted file in the store has its full size (the copy
 * into the cache and the upload). Read: `cat` from a fresh mount with --vfs-cache-mode off (the
 * store's file is the last one written, decrypted by both). Mounts start and stop outside the timing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Measurement, measure, median } from "./measure.js";
import { bigFile, warm } from "./workloads.js";

export interface MountBench {
  work: string;
  runs: number;
  /** The file's size in MiB. */
  mib: number;
  env: NodeJS.ProcessEnv;
  /** The command that runs strata (`node bin/strata.js`). */
  strata: string[];
}

type Tool = "strata" | "rclone";

/** crypt's stored size: a 32-byte header, then 16 bytes more for every 64 KiB block begun. */
const cryptSize = (n: number) => 32 + n + Math.ceil(n / 65536) * 16;

function isMounted(dir: string): boolean {
  return readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .some((l) => l.split(" ")[1] === dir);
}

async function startMount(cmd: string[], env: NodeJS.ProcessEnv, dir: string): Promise<ChildProcess> {
  const child = spawn(cmd[0] as string, cmd.slice(1), { env, stdio: "ignore" });
  for (let i = 0; !isMounted(dir); i++) {
    if (child.exitCode !== null || i > 600) throw new Error(`${cmd.join(" ")}: not mounted`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return child;
}

async function stopMount(child: ChildProcess, dir: string): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  if (child.exitCode === null) child.kill("SIGTERM");
  await exited;
  if (isMounted(dir)) execFileSync("fusermount3", ["-uz", dir]);
}

export async function benchMount(b: MountBench): Promise<void> {
  const size = b.mib * 1024 * 1024;
  const src = join(b.work, "mount-src");
  const store = join(b.work, "mount-store");
  const mnt = join(b.work, "mount-point");
  const cache = join(b.work, "mount-cache");
  bigFile(join(src, "big.bin"), size);
  mkdirSync(mnt, { recursive: true });
  // "hunter2", obscured: both tools take the same connection string.
  const remote = `:crypt,remote=${store},password=AAECAwQFBgcICQoLDA0OD2nqCVFioHI:`;
  const mountCmd = (tool: Tool, flags: string[]) => [
    ...(tool === "strata" ? b.strata : ["rclone"]),
    "mount",
    remote,
    mnt,
    "--cache-dir",
    cache,
    ...flags,
  ];
  const stored = cryptSize(size);
  const write = [
    "sh",
    "-c",
    `cp "$1" "$2" && until [ "$(stat -c %s "$3"/* 2>/dev/null)" = "$4" ]; do sleep 0.02; done`,
    "sh",
    join(src, "big.bin"),
    join(mnt, "big.bin"),
    store,
    String(stored),
  ];
  const read = ["sh", "-c", `cat "$1" > /dev/null`, "sh", join(mnt, "big.bin")];
  const rows: { name: string; times: Record<Tool, number[]> }[] = [
    { name: `mount write ${b.mib} MiB crypt(local)`, times: { strata: [], rclone: [] } },
    { name: `mount read ${b.mib} MiB crypt(local)`, times: { strata: [], rclone: [] } },
  ];
  for (let i = 0; i < b.runs; i++) {
    for (const tool of ["strata", "rclone"] as const) {
      rmSync(store, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
      mkdirSync(store);
      warm(src);
      let child = await startMount(
        mountCmd(tool, ["--vfs-cache-mode", "writes", "--vfs-write-back", "0s"]),
        b.env,
        mnt,
      );
      const w: Measurement = measure(write, b.env);
      await stopMount(child, mnt);
      child = await startMount(mountCmd(tool, ["--vfs-cache-mode", "off"]), b.env, mnt);
      const r: Measurement = measure(read, b.env);
      await stopMount(child, mnt);
      rows[0]?.times[tool].push(w.seconds);
      rows[1]?.times[tool].push(r.seconds);
    }
  }
  for (const row of rows) {
    const mbps = (t: Tool) => size / 1e6 / median(row.times[t]);
    console.log(
      `${row.name.padEnd(34)} strata ${mbps("strata").toFixed(1)} MB/s  rclone ${mbps("rclone").toFixed(1)} MB/s  ` +
        `throughput strata/rclone ${(mbps("strata") / mbps("rclone")).toFixed(2)}`,
    );
  }
  for (const d of [src, store, cache]) rmSync(d, { recursive: true, force: true });
  if (existsSync(mnt) && !isMounted(mnt)) rmSync(mnt, { recursive: true, force: true });
}
