/** Runs a command as a child and reports wall time and peak RSS (via python's getrusage of children). */
import { execFileSync } from "node:child_process";

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
}

const PROBE = `
import resource, subprocess, sys, time
t = time.perf_counter()
r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
dt = time.perf_counter() - t
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace")[-2000:])
    sys.exit(r.returncode)
print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
`;

export function measure(argv: string[], env: NodeJS.ProcessEnv = process.env): Measurement {
  const out = execFileSync("python3", ["-c", PROBE, ...argv], { env, encoding: "utf8", maxBuffer: 1 << 24 });
  const [secs, kib] = out.trim().split(/\s+/).map(Number) as [number, number];
  return { seconds: secs, peakRssMiB: kib / 1024 };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
