/**
 * Large-file throughput through `strata serve` and `rclone serve` on the same stack (crypt over
 * local, the same keys), measured as `curl`'s wall time: GET of the whole file, and PUT of it
 * (WebDAV; rclone's http server is read-only). Servers start and stop outside the timing; the two
 * tools alternate and each row takes the median. One function per protocol: add one for another.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { type Measurement, measure, median } from "./measure.js";
import { bigFile, warm } from "./workloads.js";

export interface ServeBench {
  work: string;
  runs: number;
  /** The file's size in MiB. */
  mib: number;
  env: NodeJS.ProcessEnv;
  /** The command that runs strata (`node bin/strata.js`). */
  strata: string[];
}

type Tool = "strata" | "rclone";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running server: its base URL, and how to stop it. */
interface Running {
  url: string;
  stop(): Promise<void>;
}

/** Starts `<tool> serve <protocol> <remote>` on a free port and waits until it accepts requests. */
async function startServer(b: ServeBench, tool: Tool, protocol: string, remote: string): Promise<Running> {
  const port = await freePort();
  const cmd = [
    ...(tool === "strata" ? b.strata : ["rclone"]),
    "serve",
    protocol,
    remote,
    "--addr",
    `127.0.0.1:${port}`,
  ];
  const child: ChildProcess = spawn(cmd[0] as string, cmd.slice(1), { env: b.env, stdio: "ignore" });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; ; i++) {
    try {
      execFileSync("curl", ["-s", "-o", "/dev/null", "--max-time", "1", url]);
      break;
    } catch {
      if (child.exitCode !== null || i > 300) throw new Error(`${cmd.join(" ")}: did not start`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function printRow(name: string, bytes: number, times: Record<Tool, Measurement[]>): void {
  const secs = (t: Tool) => median(times[t].map((m) => m.seconds));
  const rate = (t: Tool) => `${(bytes / 1e6 / secs(t)).toFixed(1)} MB/s`;
  console.log(
    `${name.padEnd(34)} strata ${secs("strata").toFixed(3)} s (${rate("strata")})  ` +
      `rclone ${secs("rclone").toFixed(3)} s (${rate("rclone")})  ` +
      `throughput strata/rclone ${(secs("rclone") / secs("strata")).toFixed(2)}`,
  );
}

/**
 * Times `curl` (`args(url)`) against each tool's server `runs` times, alternating; `prepare` runs
 * untimed before each. The server of each tool runs for the whole row.
 */
async function curlRow(
  b: ServeBench,
  name: string,
  protocol: string,
  remote: string,
  bytes: number,
  args: (url: string) => string[],
  prepare: () => void,
): Promise<void> {
  const times: Record<Tool, Measurement[]> = { strata: [], rclone: [] };
  const servers = {
    strata: await startServer(b, "strata", protocol, remote),
    rclone: await startServer(b, "rclone", protocol, remote),
  };
  try {
    for (let i = 0; i < b.runs; i++) {
      for (const tool of ["strata", "rclone"] as const) {
        prepare();
        times[tool].push(measure(["curl", "-sS", "--fail", ...args(servers[tool].url)], b.env));
      }
    }
  } finally {
    await servers.strata.stop();
    await servers.rclone.stop();
  }
  printRow(name, bytes, times);
}

/** Where the serve rows keep their file and store. */
function setup(b: ServeBench, tag: string) {
  const size = b.mib * 1024 * 1024;
  const src = join(b.work, `serve-${tag}-src`);
  const store = join(b.work, `serve-${tag}-store`);
  bigFile(join(src, "big.bin"), size);
  mkdirSync(store, { recursive: true });
  // "hunter2", obscured: both tools take the same connection string.
  const remote = `:crypt,remote=${store},password=AAECAwQFBgcICQoLDA0OD2nqCVFioHI:`;
  execFileSync("rclone", ["copy", src, remote], { env: b.env });
  const cleanup = () => {
    rmSync(src, { recursive: true, force: true });
    rmSync(store, { recursive: true, force: true });
  };
  return { size, src, store, remote, cleanup };
}

/** GET of the whole file through `serve http`. */
export async function benchServeHttp(b: ServeBench): Promise<void> {
  const s = setup(b, "http");
  try {
    await curlRow(
      b,
      `serve http GET ${b.mib} MiB crypt(local)`,
      "http",
      s.remote,
      s.size,
      (url) => ["-o", "/dev/null", `${url}big.bin`],
      () => warm(s.store),
    );
  } finally {
    s.cleanup();
  }
}

/** GET and PUT of the whole file through `serve webdav`. */
export async function benchServeWebdav(b: ServeBench): Promise<void> {
  const s = setup(b, "webdav");
  try {
    await curlRow(
      b,
      `serve webdav GET ${b.mib} MiB crypt(local)`,
      "webdav",
      s.remote,
      s.size,
      (url) => ["-o", "/dev/null", `${url}big.bin`],
      () => warm(s.store),
    );
    await curlRow(
      b,
      `serve webdav PUT ${b.mib} MiB crypt(local)`,
      "webdav",
      s.remote,
      s.size,
      (url) => ["-T", join(s.src, "big.bin"), `${url}up.bin`],
      () => warm(s.src),
    );
  } finally {
    s.cleanup();
  }
}

/** Every serve row. */
export async function benchServe(b: ServeBench): Promise<void> {
  await benchServeHttp(b);
  await benchServeWebdav(b);
}
