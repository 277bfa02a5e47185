/** Seeded workloads on local disk for the benchmarks. */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readdirSync, readSync, utimesSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

/** Deterministic bytes: SHA-256 in counter mode over the seed (fast enough for a few GiB). */
export function seededBytes(seed: string, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0, block = 0; i < n; block++) {
    const h = createHash("sha256").update(`${seed}:${block}`).digest();
    i += h.copy(out, i, 0, Math.min(32, n - i));
  }
  return out;
}

const MTIME = new Date("2024-01-02T03:04:05Z");

/** `count` files of 1–8 KiB spread over 100 directories two levels deep. */
export function smallFiles(root: string, count: number): number {
  let bytes = 0;
  const block = seededBytes("small", 8192 + 4096);
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${i % 10}`, `e${Math.floor(i / 10) % 10}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    const size = 1024 + ((i * 2654435761) % 7169);
    const file = join(dir, `f${i}.bin`);
    writeFileSync(file, block.subarray(i % 4096, (i % 4096) + size));
    utimesSync(file, MTIME, MTIME);
    bytes += size;
  }
  return bytes;
}

/** `count` empty files, 1000 per directory. */
export function emptyFiles(root: string, count: number): void {
  for (let i = 0; i < count; i++) {
    const dir = join(root, `d${Math.floor(i / 1000)}`);
    if (i % 1000 === 0) mkdirSync(dir, { recursive: true });
    closeSync(openSync(join(dir, `f${i}`), "w"));
  }
}

/** One file of `size` bytes of incompressible seeded data. */
export function bigFile(path: string, size: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, "w");
  const chunk = seededBytes("big", 1 << 20);
  for (let at = 0; at < size; at += chunk.length) {
    // Vary each MiB so the file is not a repeated block.
    chunk.writeUInt32LE(at / chunk.length, 0);
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - at));
  }
  closeSync(fd);
  utimesSync(path, MTIME, MTIME);
}

/** Reads every file under `path` once, so it is in the page cache. */
export function warm(path: string): void {
  const buf = Buffer.allocUnsafe(1 << 20);
  const visit = (p: string) => {
    for (const d of readdirSync(p, { withFileTypes: true })) {
      const child = join(p, d.name);
      if (d.isDirectory()) visit(child);
      else if (d.isFile()) {
        const fd = openSync(child, "r");
        while (readSync(fd, buf, 0, buf.length, null) > 0);
        closeSync(fd);
      }
    }
  };
  visit(path);
}
