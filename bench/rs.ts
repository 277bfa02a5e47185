/**
 * Reed–Solomon throughput on one core: encode, and decode with two data shards missing, for 16 MiB stripes
 * (k data shards of 16 MiB/k), on the WebAssembly kernel, the JS kernel and the native @ronomon/reed-solomon
 * addon (which stops at 24 data + 6 parity shards). MB/s counts the stripe's data bytes per second of this
 * process's CPU time, so other load on the machine slows it less than it would wall time. Median of the runs.
 *
 *   npm run bench -- rs [--runs 5]
 *   node --experimental-wasm-relaxed-simd --import tsx bench/run.ts rs   (Node 20: the relaxed-SIMD kernel build)
 */
import { createRequire } from "node:module";
import { availableParallelism, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { reedSolomon } from "../src/overlays/erasure/rs/index.js";
import { median } from "./measure.js";
import { seededBytes } from "./workloads.js";

const SHAPES: [number, number][] = [
  [4, 2],
  [10, 4],
  [20, 4],
  [29, 51],
];
const STRIPE = 16 * 1024 * 1024;
/** Stop repeating a row after this long (the JS kernel takes seconds per (29, 51) stripe). */
const ROW_SECONDS = 3;

type Run = () => Promise<void> | void;
interface Subject {
  name: string;
  encode: Run;
  decode: Run;
}

/** The native addon's encode(context, sources, targets, data, offset, size, parity, offset, size, callback). */
interface Ronomon {
  MAX_K: number;
  MAX_M: number;
  create(k: number, m: number): unknown;
  encode(...args: [unknown, number, number, Buffer, number, number, Buffer, number, number, (e?: Error) => void]): void;
}

function loadRonomon(): Ronomon | string {
  try {
    return createRequire(import.meta.url)("@ronomon/reed-solomon") as Ronomon;
  } catch (e) {
    return `@ronomon/reed-solomon unavailable (${(e as Error).message.split("\n")[0]})`;
  }
}

export async function benchRs(runs: number): Promise<void> {
  const ronomon = loadRonomon();
  if (typeof ronomon === "string") console.log(ronomon);
  console.log(
    `Reed–Solomon, 16 MiB stripes, MB/s of data per CPU second, median of up to ${runs} runs; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
  );
  console.log(
    `${"(k, m)".padEnd(9)} ${"op".padEnd(7)} ${"wasm".padStart(9)} ${"js".padStart(9)} ${"ronomon".padStart(9)}  wasm/ronomon`,
  );
  for (const [k, m] of SHAPES) {
    // A multiple of 64 so the native addon (multiples of 8) takes the same shards.
    const shardSize = Math.floor(STRIPE / k / 64) * 64;
    const data = Buffer.from(seededBytes(`rs bench ${k}+${m}`, k * shardSize));
    const parity = Buffer.alloc(m * shardSize);
    const dataShards = Array.from({ length: k }, (_, j) => data.subarray(j * shardSize, (j + 1) * shardSize));
    const parityShards = Array.from({ length: m }, (_, i) => parity.subarray(i * shardSize, (i + 1) * shardSize));
    // Data shards 0 and 1 lost; every other shard present.
    const damaged = [undefined, undefined, ...dataShards.slice(2), ...parityShards];

    const subjects: (Subject | string)[] = [];
    for (const kernel of ["wasm", "js"] as const) {
      const rs = await reedSolomon(k, m, { kernel });
      subjects.push({
        name: kernel,
        encode: () => rs.encode(dataShards, parityShards),
        decode: () => void rs.reconstruct(damaged, { dataOnly: true }),
      });
    }
    if (typeof ronomon === "string") subjects.push("n/a");
    else if (k > ronomon.MAX_K || m > ronomon.MAX_M) subjects.push("n/a");
    else subjects.push(ronomonSubject(ronomon, k, m, data, parity));

    const bytes = k * shardSize;
    const rates: Record<"encode" | "decode", (number | undefined)[]> = { encode: [], decode: [] };
    for (const op of ["encode", "decode"] as const) {
      for (const s of subjects) rates[op].push(typeof s === "string" ? undefined : await rate(s[op], bytes, runs));
      const [wasm, js, native] = rates[op];
      const cell = (r: number | undefined) => (r === undefined ? "n/a" : r.toFixed(0)).padStart(9);
      const ratio = wasm && native ? `${(wasm / native).toFixed(2)}×` : "";
      console.log(`${`(${k}, ${m})`.padEnd(9)} ${op.padEnd(7)} ${cell(wasm)} ${cell(js)} ${cell(native)}  ${ratio}`);
    }
  }
}

function ronomonSubject(rs: Ronomon, k: number, m: number, data: Buffer, parity: Buffer): Subject {
  const context = rs.create(k, m);
  const bits = (from: number, to: number) => {
    let b = 0;
    for (let i = from; i < to; i++) b |= 1 << i;
    return b;
  };
  const call = (sources: number, targets: number) =>
    new Promise<void>((resolve, reject) =>
      rs.encode(context, sources, targets, data, 0, data.length, parity, 0, parity.length, (e) =>
        e ? reject(e) : resolve(),
      ),
    );
  return {
    name: "ronomon",
    encode: () => call(bits(0, k), bits(k, k + m)),
    // The same shards as the others' decode: data 0 and 1 rebuilt from the rest.
    decode: () => call(bits(2, k + m), bits(0, 2)),
  };
}

/** Median MB/s (per CPU second) of `run` over `bytes`, after one untimed warm-up run. */
async function rate(run: Run, bytes: number, runs: number): Promise<number> {
  await run();
  const seconds: number[] = [];
  const start = performance.now();
  while (seconds.length < runs && (seconds.length === 0 || performance.now() - start < ROW_SECONDS * 1000)) {
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    seconds.push((used.user + used.system) / 1e6);
  }
  return bytes / 1e6 / median(seconds);
}
