/**
 * `mount --daemon`: the command starts itself again in the background, without `--daemon`, and
 * returns once that process reports its mount is up (or fails). They talk over Node's IPC channel;
 * the background process then drops it and its terminal, as rclone's daemon does.
 */
import { spawn } from "node:child_process";
import { type ErrorCode, FsError } from "../fs/errors.js";

const MARK = "STRATA_MOUNT_DAEMON";

/** What the background process reports: mounted, or the error (its code decides the exit code). */
export type DaemonReport = { mounted: true } | { error: string; code: ErrorCode };

/** True in the background process a `--daemon` mount started. */
export function isDaemonChild(): boolean {
  return process.env[MARK] === "1" && typeof process.send === "function";
}

/** Tells the starting process how the mount went, then lets go of it. */
export function reportToParent(report: DaemonReport): void {
  if (!isDaemonChild()) return;
  process.send?.(report, () => process.disconnect());
}

/**
 * Starts the mount again in the background and waits up to `waitMs` for it to be mounted (rclone's
 * `--daemon-wait`). Throws the background process's own error when it fails, `Other` on a timeout.
 */
export function startDaemon(waitMs: number): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !/^--daemon(=(true|1))?$/.test(a));
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, ...args], {
    detached: true,
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    env: { ...process.env, [MARK]: "1" },
  });
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new FsError("Other", `daemon did not mount within ${waitMs / 1000}s`)), waitMs);
    const done = (err?: FsError) => {
      clearTimeout(timer);
      child.removeAllListeners();
      if (child.connected) child.disconnect();
      child.unref();
      if (err) reject(err);
      else resolve();
    };
    child.on("message", (m: DaemonReport) => ("mounted" in m ? done() : done(new FsError(m.code, m.error))));
    child.on("exit", (code, signal) => done(new FsError("Other", `daemon exited (${signal ?? code}) before mounting`)));
    child.on("error", (err) => done(new FsError("Other", `cannot start daemon: ${err.message}`)));
  });
}
