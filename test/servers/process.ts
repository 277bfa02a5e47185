/**
 * Starting and stopping the real servers the network backends are tested against: each runs as its own
 * process (or processes) bound to 127.0.0.1 on a free port, with its state in a throwaway directory,
 * and is stopped by PID.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A port nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A new empty directory for one server's state. */
export function serverDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `strata-${prefix}-`));
}

/** Resolves once a TCP connection to 127.0.0.1:`port` succeeds; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A long-running server process whose output goes to `logFile`. */
export function spawnLogged(command: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(logFile, "a");
  try {
    const child = spawn(command, args, { stdio: ["ignore", log, log], env: env ?? process.env });
    // An exited server must not keep the test process alive, nor hold it open.
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

/** True while a process with this PID exists and is not a zombie (an orphan nobody reaps stays one). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== "Z";
}

/** The fields of /proc/PID/stat after the command name (which is in parentheses and may hold spaces). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/**
 * Every descendant of `pid` (children first): servers such as sshd and Apache serve each connection
 * from a child process, which outlives a killed parent unless it is stopped too.
 */
export function descendants(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!parents.has(ppid)) parents.set(ppid, []);
    parents.get(ppid)?.push(Number(entry));
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const child of parents.get(p) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

/**
 * Stops a process by PID: SIGTERM, then SIGKILL if it is still there after `graceMs`.
 * Resolves once it is gone (a child of this process is reaped by Node).
 */
export async function stopPid(pid: number, graceMs = 5_000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {}
      await sleep(50);
      return;
    }
    await sleep(25);
  }
}

/** A started server: where it listens, and how to stop and start it again on the same port and data. */
export interface ServerHandle {
  readonly name: string;
  readonly port: number;
  /** The PIDs of its processes, main one first. */
  pids(): number[];
  /** Stops every process by PID (SIGTERM, or SIGKILL with `hard`); the data directory stays. */
  stop(options?: { hard?: boolean }): Promise<void>;
  /** Starts it again after `stop`, on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  destroy(): Promise<void>;
}

/**
 * Stops a process and all its descendants by PID, children first when `hard` (SIGKILL, as a crash
 * would), else by SIGTERM to the parent, which a server forwards to its children.
 */
export async function stopTree(pid: number, hard: boolean): Promise<void> {
  const tree = descendants(pid);
  if (hard) for (const p of tree.reverse()) await stopPid(p, 0, "SIGKILL");
  await stopPid(pid, 5_000, hard ? "SIGKILL" : "SIGTERM");
  for (const p of descendants(pid).concat(tree)) await stopPid(p, 2_000);
}
