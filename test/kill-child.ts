/** For kill tests: following a child process that uploads slowly and reports its progress. */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * Resolves once the child printed "started" and then "written N" with N ≥ `minBytes`; rejects if
 * it exits or stalls first. `output` collects what it printed, for failure messages.
 */
function waitForProgress(child: ChildProcess, minBytes: number, output: { out: string; err: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    let started = false;
    const timer = setTimeout(() => reject(new Error(`child made no progress:\n${output.out}\n${output.err}`)), 20_000);
    child.stderr?.on("data", (d: Buffer) => {
      output.err += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      output.out += d.toString();
      started ||= output.out.includes("started\n");
      const last = [...output.out.matchAll(/written (\d+)\n/g)].at(-1);
      if (started && last && Number(last[1]) >= minBytes) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited early (${code ?? signal}):\n${output.out}\n${output.err}`));
    });
  });
}

/** What a killed child printed, and the signal it ended with. */
export interface KilledChild {
  output: { out: string; err: string };
  signal: NodeJS.Signals | null;
}

/**
 * Runs the TypeScript `fixture` with `args` in a child (from the repository root) and SIGKILLs it
 * `extraMs` after it reported `killAt` bytes taken, right after `beforeKill` (which may inspect what
 * the live child has written); resolves once it has exited.
 */
export async function killMidUpload(
  fixture: string,
  args: string[],
  killAt: number,
  extraMs: number,
  beforeKill?: () => void,
): Promise<KilledChild> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, ...args], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  const output = { out: "", err: "" };
  try {
    await waitForProgress(child, killAt, output);
    await new Promise((resolve) => setTimeout(resolve, extraMs));
    beforeKill?.();
  } finally {
    child.kill("SIGKILL");
  }
  return { output, signal: await exited };
}
