/**
 * Runs `strata mount` (the tests' CLI build) as a child process and waits for the kernel to show
 * its mount; stops it by PID. Also the seeded data the mount tests write.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createCipheriv } from "node:crypto";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { CLI_ENTRY } from "../global-setup.js";

/** Runs a program to completion; rejects with its stderr when it fails. */
export const sh = promisify(execFile);

async function mounted(dir: string): Promise<boolean> {
  const mounts = await readFile("/proc/mounts", "utf8");
  return mounts.split("\n").some((l) => l.split(" ")[1] === dir);
}

export interface RunningMount {
  child: ChildProcess;
  /** What the mount printed (its log), for failure messages. */
  output(): string;
  /** SIGTERM, then waits for the process to exit (it unmounts and uploads first); returns its exit code. */
  stop(): Promise<number | null>;
}

/** Starts `strata mount remote dir ...flags` and resolves once `dir` is mounted. */
export async function startMount(remote: string, dir: string, flags: string[]): Promise<RunningMount> {
  // A lazy unmount of an earlier mount can still be listed for a moment: that entry must not be
  // taken for this mount (a SIGTERM sent before the new process is ready would kill it outright).
  for (let i = 0; await mounted(dir); i++) {
    if (i > 100) throw new Error(`${dir} is still mounted`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const child = spawn(process.execPath, [CLI_ENTRY, "--config", "/dev/null", "mount", remote, dir, ...flags], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (b: Buffer) => {
    text += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    text += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (let i = 0; !(await mounted(dir)); i++) {
    if (gone || i > 600) throw new Error(`mount did not come up:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    output: () => text,
    async stop() {
      if (!gone) child.kill("SIGTERM");
      return exited;
    },
  };
}

/** `size` seeded pseudo-random bytes (AES-CTR over zeros): the same for the same seed, fast to make. */
export function seededBytes(seed: number, size: number): Buffer {
  const key = Buffer.alloc(16);
  key.writeUInt32LE(seed, 0);
  return createCipheriv("aes-128-ctr", key, Buffer.alloc(16)).update(Buffer.alloc(size));
}
