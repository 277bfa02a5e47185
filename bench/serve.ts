/**
 * Large-file throughput through `strata serve` and `rclone serve` on the same stack (crypt over
 * local, the same keys), measured as `curl`'s wall time: GET of the whole file, and PUT of it
 * (WebDAV; rclone's http server is read-only). Servers start and stop outside the timing; the two
 * tools alternate and each row takes the median. One function per protocol: add one for another.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
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

/** A running server: its base URL (for HTTP protocols), its port, and how to stop it. */
interface Running {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Resolves whether something accepts TCP connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * Starts `<tool> serve <protocol> <remote> <extra>` on a free port and waits until it accepts
 * connections (a TCP probe, so it serves any protocol).
 */
async function startServer(
  b: ServeBench,
  tool: Tool,
  protocol: string,
  remote: string,
  extra: string[] = [],
): Promise<Running> {
  const port = await freePort();
  const cmd = [
    ...(tool === "strata" ? b.strata : ["rclone"]),
    "serve",
    protocol,
    remote,
    "--addr",
    `127.0.0.1:${port}`,
    ...extra,
  ];
  const child: ChildProcess = spawn(cmd[0] as string, cmd.slice(1), { env: b.env, stdio: "ignore" });
  for (let i = 0; !(await listening(port)); i++) {
    if (child.exitCode !== null || i > 300) throw new Error(`${cmd.join(" ")}: did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
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

/** The login the sftp and s3 rows serve with, and rclone's connection string for it. */
const SFTP_LOGIN = ["--user", "bench", "--pass", "bench"];

/**
 * Upload (`rclone copyto` of the file) and download (`rclone copyto` back) with real rclone as
 * the client, `remoteOf(server)` naming the served root; alternating between the tools' servers.
 */
async function rcloneClientRows(
  b: ServeBench,
  label: string,
  servers: Partial<Record<Tool, Running>>,
  remoteOf: (server: Running) => string,
  env: NodeJS.ProcessEnv,
  s: { size: number; src: string; store: string },
): Promise<void> {
  const down = join(b.work, "serve-download.bin");
  const rows = [
    {
      name: `${label} upload ${b.mib} MiB`,
      args: (r: string) => [join(s.src, "big.bin"), `${r}up.bin`],
      warmDir: s.src,
    },
    { name: `${label} download ${b.mib} MiB`, args: (r: string) => [`${r}big.bin`, down], warmDir: s.store },
  ];
  for (const row of rows) {
    const times: Record<Tool, Measurement[]> = { strata: [], rclone: [] };
    for (let i = 0; i < b.runs; i++) {
      for (const tool of ["strata", "rclone"] as const) {
        const server = servers[tool];
        if (!server) continue;
        warm(row.warmDir);
        const args = ["rclone", "copyto", "--ignore-times", "--config", "/dev/null", ...row.args(remoteOf(server))];
        times[tool].push(measure(args, env));
      }
    }
    if (servers.rclone) printRow(row.name, s.size, times);
    else {
      const secs = median(times.strata.map((m) => m.seconds));
      console.log(`${row.name.padEnd(34)} strata ${secs.toFixed(3)} s (${(s.size / 1e6 / secs).toFixed(1)} MB/s)`);
    }
  }
  rmSync(down, { force: true });
}

/** Upload and download of the file by rclone's sftp backend through `serve sftp` (password login). */
export async function benchServeSftp(b: ServeBench): Promise<void> {
  const s = setup(b, "sftp");
  const pass = execFileSync("rclone", ["obscure", "bench"], { env: b.env }).toString().trim();
  const servers = {
    strata: await startServer(b, "strata", "sftp", s.remote, SFTP_LOGIN),
    rclone: await startServer(b, "rclone", "sftp", s.remote, SFTP_LOGIN),
  };
  try {
    const remoteOf = (r: Running) => `:sftp,host=127.0.0.1,port=${r.port},user=bench,pass=${pass}:`;
    await rcloneClientRows(b, "serve sftp (rclone sftp client)", servers, remoteOf, b.env, s);
  } finally {
    await servers.strata.stop();
    await servers.rclone.stop();
    s.cleanup();
  }
}

/**
 * Upload and download of the file by rclone's s3 backend through `strata serve s3`. rclone 1.60
 * has no `serve s3`, so these rows are strata's alone.
 */
export async function benchServeS3(b: ServeBench): Promise<void> {
  const s = setup(b, "s3");
  // rclone 1.60's s3 backend refuses to start while AWS_CA_BUNDLE is set.
  const env = { ...b.env, AWS_CA_BUNDLE: undefined };
  const strata = await startServer(b, "strata", "s3", s.remote, ["--auth-key", "bench,bench"]);
  try {
    // The served root's files sit outside any bucket: put the file into one.
    const root = `:s3,provider=Other,endpoint='${strata.url}',access_key_id=bench,secret_access_key=bench:`;
    execFileSync("rclone", ["copy", "--config", "/dev/null", s.src, `${root}bench`], { env });
    await rcloneClientRows(b, "serve s3 (rclone s3 client; strata only)", { strata }, () => `${root}bench/`, env, s);
  } finally {
    await strata.stop();
    s.cleanup();
  }
}

/** Every serve row. */
export async function benchServe(b: ServeBench): Promise<void> {
  await benchServeHttp(b);
  await benchServeWebdav(b);
  await benchServeSftp(b);
  await benchServeS3(b);
}
