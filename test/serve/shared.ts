/**
 * `strata serve <protocol>` as a child process for the serve tests: over an erasure(crypt(local))
 * stack built from connection strings, on 127.0.0.1 and a port the kernel picks, stopped by PID.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteValue } from "../../src/fs/fspath.js";
import { CLI_ENTRY } from "../global-setup.js";
import { stopPid } from "../servers/process.js";

/** "hunter2", obscured as a crypt connection string must hold it. */
const CRYPT_PASSWORD = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";

/** `:crypt` over local directory `dir`. */
export const cryptOver = (dir: string) => `:crypt,remote=${quoteValue(dir)},password=${CRYPT_PASSWORD}:`;

/**
 * erasure (2 data + 1 parity shards, 64 KiB segments) over crypt over three fresh local
 * directories under `root`.
 */
export function erasureCryptStack(root: string): string {
  const upstreams = ["disk1", "disk2", "disk3"].map((d) => {
    mkdirSync(join(root, d), { recursive: true });
    return cryptOver(join(root, d));
  });
  const remotes = upstreams.map((r) => `'${r.replaceAll("'", "''")}'`).join(" ");
  return `:erasure,remotes=${quoteValue(remotes)},data_shards=2,parity_shards=1,segment_size=64k:`;
}

export interface StrataServer {
  /** `http://127.0.0.1:PORT/` (or sftp://…), from the server's "Serving … on" line. */
  url: string;
  pid: number;
  /** Everything the server wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `strata serve <protocol> <remote> --addr 127.0.0.1:0 <args>` with an empty config and
 * resolves once it says where it listens; rejects with its output if it exits or says nothing in 30 s.
 */
export async function startStrataServe(protocol: string, remote: string, args: string[] = []): Promise<StrataServer> {
  const home = mkdtempSync(join(tmpdir(), "strata-serve-home-"));
  writeFileSync(join(home, "strata.json5"), "{}");
  const child = spawn(process.execPath, [CLI_ENTRY, "serve", protocol, remote, "--addr", "127.0.0.1:0", ...args], {
    env: { ...process.env, STRATA_CONFIG: join(home, "strata.json5"), XDG_CONFIG_HOME: home, TZ: "UTC" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve ${protocol} did not start:\n${text}`)), 30_000);
    const onData = (b: Buffer) => {
      text += b.toString("utf8");
      const m = new RegExp(`Serving ${protocol} on (\\S+)`).exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve ${protocol} exited (${code}):\n${text}`));
    });
  });
  const pid = child.pid as number;
  return {
    url,
    pid,
    output: () => text,
    stop: async () => {
      await stopPid(pid);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A status, headers and body of one request sent as given (no URL normalising, so `/../` stays). */
export interface RawResponse {
  status: number;
  headers: import("node:http").IncomingHttpHeaders;
  body: Buffer;
}

/** Sends `method path` to `url`'s host as is, with `headers` and `body`; basic auth when `auth` is `user:pass`. */
export async function rawRequest(
  url: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; auth?: string } = {},
): Promise<RawResponse> {
  const { request } = await import("node:http");
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: options.headers, auth: options.auth }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}
