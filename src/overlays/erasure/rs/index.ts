/**
 * The Reed–Solomon erasure code of the erasure overlay. Part of the stored format (docs/erasure-rs.md);
 * none of the following may change once shards are written:
 *
 * - Field: GF(2^8) with the primitive polynomial x^8+x^4+x^3+x^2+1 (0x11D), generator 2.
 * - Systematic code over k data and m parity shards (k ≥ 1, m ≥ 0, k + m ≤ 256). The n×k encoding matrix is
 *   the k×k identity on top of the m×k Cauchy matrix C[i][j] = 1 / (x_i XOR y_j), x_i = k + i, y_j = j.
 * - Parity shard i = XOR over j of C[i][j]·data_j, byte by byte; the result is MDS: any k of the n shards
 *   rebuild the rest.
 *
 * Creating a codec is async (it may compile WebAssembly); encoding and reconstructing are synchronous.
 */
import { Codec } from "./codec.js";
import { jsKernel } from "./js-kernel.js";
import type { Kernel, KernelName } from "./kernel.js";
import { wasmKernel } from "./wasm-kernel.js";

export interface ReedSolomon {
  readonly dataShards: number;
  readonly parityShards: number;
  /**
   * Fills `parity` (m buffers) from `data` (k buffers); all the same length. A RangeError if the counts or
   * lengths are wrong.
   */
  encode(data: readonly Uint8Array[], parity: readonly Uint8Array[]): void;
  /**
   * `shards` has n entries, undefined where missing (≥ k present, all the same length). Returns the shards
   * with every missing one rebuilt (new buffers; present ones are returned as given); with `dataOnly`,
   * rebuilds only missing data shards, and missing parity entries stay undefined despite the element type.
   * Throws a RangeError if fewer than k are present, or on a wrong count or differing lengths.
   */
  reconstruct(shards: readonly (Uint8Array | undefined)[], options?: { dataOnly?: boolean }): Uint8Array[];
}

export interface ReedSolomonOptions {
  /** Which kernel does the byte work; by default WebAssembly SIMD where the runtime has it, else JS. */
  kernel?: KernelName;
}

/** A codec for k data and m parity shards; a RangeError unless k ≥ 1, m ≥ 0 and k + m ≤ 256. */
export async function reedSolomon(k: number, m: number, options: ReedSolomonOptions = {}): Promise<ReedSolomon> {
  if (!Number.isInteger(k) || !Number.isInteger(m) || k < 1 || m < 0 || k + m > 256) {
    throw new RangeError(`invalid Reed–Solomon shape: ${k} data + ${m} parity shards (need k ≥ 1, m ≥ 0, k + m ≤ 256)`);
  }
  return new Codec(k, m, await loadKernel(options.kernel));
}

/** The kernel asked for; an Error if that is "wasm" and the runtime has no WebAssembly SIMD. */
async function loadKernel(name: KernelName | undefined): Promise<Kernel> {
  if (name === "js") return jsKernel();
  const wasm = await wasmKernel();
  if (wasm) return wasm;
  if (name === "wasm") throw new Error("this runtime has no WebAssembly SIMD for the Reed–Solomon kernel");
  return jsKernel();
}
