/**
 * The `compress` bench target: 1 GiB (--big-mib) of seeded text-like data and as much random data
 * written into compress(local) and read back, strata against rclone 1.60 for gzip at levels -1 and 1,
 * strata alone for zstd (rclone 1.60 has no zstd mode); with the stored size as a share of the input.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, statSync, utimesSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Measurement, measure, median } from "./measure.js";
import { bigFile, seededBytes, warm } from "./workloads.js";

export interface CompressBench {
  work: string;
  runs: number;
  bigMib: number;
  env: NodeJS.ProcessEnv;
  /** The strata command line (node + entry). */
  strata: string[];
  /** Times strata and rclone alternately (see run.ts) and prints a row. */
  compare(name: string, cmd: string[], prepare: () => void, extra?: { bytes?: number }): void;
}

const MTIME = new Date("2024-01-02T03:04:05Z");

/**
 * `size` bytes of text-like data: words from a seeded vocabulary with spaces and line breaks, which
 * gzip shrinks to about 40%. Each MiB differs (its index is written into it).
 */
function textFile(path: string, size: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const random = seededBytes("compress-text", 8 << 20);
  const vocab = Array.from({ length: 2048 }, (_, i) =>
    seededBytes(`w${i}`, 2 + (i % 9))
      .toString("base64url")
      .slice(0, 2 + (i % 9)),
  );
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < 8 << 20; i += 2) {
    const r = random.readUInt16LE(i % (random.length - 2));
    const word = vocab[r % vocab.length] as string;
    const sep = r % 13 === 0 ? ".\n" : " ";
    parts.push(word, sep);
    len += word.length + sep.length;
  }
  const block = Buffer.from(parts.join("")).subarray(0, 8 << 20);
  const fd = openSync(path, "w");
  for (let at = 0, mib = 0; at < size; at += 1 << 20, mib++) {
    const piece = Buffer.from(block.subarray((mib % 8) << 20, ((mib % 8) + 1) << 20));
    piece.write(`${mib} `, 0);
    writeSync(fd, piece, 0, Math.min(piece.length, size - at));
  }
  closeSync(fd);
  utimesSync(path, MTIME, MTIME);
}

function bytesUnder(dir: string): number {
  let n = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    n += d.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return n;
}

export function benchCompress(b: CompressBench): void {
  const size = b.bigMib * 1024 * 1024;
  const inputs = { text: join(b.work, "cz-text"), random: join(b.work, "cz-random") };
  textFile(join(inputs.text, "big.txt"), size);
  bigFile(join(inputs.random, "big.bin"), size);
  const stored = join(b.work, "cz-stored");
  const back = join(b.work, "cz-back");
  const clear = (dir: string, input: string) => () => {
    rmSync(dir, { recursive: true, force: true });
    warm(input);
  };
  const ratio = (label: string) => console.log(`  ${label} stored/input ${(bytesUnder(stored) / size).toFixed(3)}`);
  const cases: [keyof typeof inputs, string, string][] = [
    ["text", "gzip", "-1"],
    ["text", "gzip", "1"],
    ["random", "gzip", "-1"],
  ];
  for (const [kind, mode, level] of cases) {
    const remote = `:compress,remote=${stored},mode=${mode},level=${level}:`;
    const label = `compress ${b.bigMib} MiB ${kind} ${mode} ${level}`;
    b.compare(`${label} → compress(local)`, ["copy", inputs[kind], remote], clear(stored, inputs[kind]), {
      bytes: size,
    });
    ratio("rclone");
    rmSync(stored, { recursive: true, force: true });
    execFileSync(b.strata[0] as string, [...b.strata.slice(1), "copy", inputs[kind], remote], { env: b.env });
    ratio("strata");
    b.compare(`${label} compress(local) →`, ["copy", remote, back], clear(back, stored), { bytes: size });
    rmSync(stored, { recursive: true, force: true });
  }
  // rclone 1.60 has no zstd mode: strata alone.
  const remote = `:compress,remote=${stored},mode=zstd:`;
  const alone = (name: string, cmd: string[], prepare: () => void) => {
    const ms: Measurement[] = [];
    for (let i = 0; i < b.runs; i++) {
      prepare();
      ms.push(measure([...b.strata, ...cmd], b.env));
    }
    const s = median(ms.map((m) => m.seconds));
    const rss = Math.max(...ms.map((m) => m.peakRssMiB));
    console.log(
      `${name.padEnd(34)} strata ${s.toFixed(3)} s (${(size / 1e6 / s).toFixed(1)} MB/s; peak RSS ${rss.toFixed(0)} MiB)`,
    );
  };
  alone(
    `compress ${b.bigMib} MiB text zstd → compress(local)`,
    ["copy", inputs.text, remote],
    clear(stored, inputs.text),
  );
  ratio("strata");
  alone(`compress ${b.bigMib} MiB text zstd compress(local) →`, ["copy", remote, back], clear(back, stored));
  for (const dir of [...Object.values(inputs), stored, back]) rmSync(dir, { recursive: true, force: true });
}
