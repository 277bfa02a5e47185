/** Seeded test data for the compress tests. */
import { seededBytes, seededRandom } from "../chunker/fixtures/seeded.js";

export { seededBytes };

const WORDS = "storage remote overlay chunk block frame metadata compress level stream listing modtime hash"
  .split(" ")
  .concat(Array.from({ length: 200 }, (_, i) => `w${(i * 7919) % 1000}`));

/** `n` bytes of text-like data (seeded words and line breaks) that gzip shrinks to about a third. */
export function compressibleText(seed: string, n: number): Buffer {
  const random = seededRandom(Number.parseInt(Buffer.from(seed).toString("hex").slice(0, 8), 16));
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    const w = WORDS[Math.floor(random() * WORDS.length)] as string;
    const sep = random() < 0.08 ? ".\n" : " ";
    parts.push(w, sep);
    len += w.length + sep.length;
  }
  return Buffer.from(parts.join("")).subarray(0, n);
}

/** One version of a file in the kill test: compressible text (stored .gz) or random bytes (.bin). */
export function versionContent(kind: "text" | "random", size: number, seed: string): Buffer {
  return kind === "text" ? compressibleText(seed, size) : seededBytes(seed, size);
}
