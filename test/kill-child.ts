/** For kill tests: following a child process that uploads slowly and reports its progress. */
import type { ChildProcess } from "node:child_process";

/**
 * Resolves once the child printed "started" and then "written N" with N ≥ `minBytes`; rejects if
 * it exits or stalls first. `output` collects what it printed, for failure messages.
 */
export function waitForProgress(
  child: ChildProcess,
  minBytes: number,
  output: { out: string; err: string },
): Promise<void> {
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
