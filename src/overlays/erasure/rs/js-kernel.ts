/**
 * The portable kernel: one lookup in the 64 KiB product table per byte and coefficient. Used where
 * WebAssembly SIMD is missing, and as the reference the SIMD kernel is tested against.
 */
import { productTable } from "./gf256.js";
import type { Kernel } from "./kernel.js";
import type { Matrix } from "./matrix.js";

/** Bytes per shard handled per pass, so the block of every output stays in L1 while the inputs stream by. */
const BLOCK = 8192;

export function jsKernel(): Kernel {
  const products = productTable();
  return {
    name: "js",
    mulMatrix(coefficients: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
      const { rows, cols, data } = coefficients;
      const length = inputs[0].length;
      for (let start = 0; start < length; start += BLOCK) {
        const end = Math.min(start + BLOCK, length);
        for (let r = 0; r < rows; r++) {
          const out = outputs[r];
          out.fill(0, start, end);
          for (let j = 0; j < cols; j++) {
            const base = data[r * cols + j] << 8;
            if (base === 0) continue;
            const input = inputs[j];
            for (let i = start; i < end; i++) out[i] ^= products[base | input[i]];
          }
        }
      }
    },
  };
}
