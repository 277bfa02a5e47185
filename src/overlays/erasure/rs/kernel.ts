/** The contract between the codec and the code that does its byte work (WebAssembly SIMD or plain JS). */
import type { Matrix } from "./matrix.js";

export type KernelName = "wasm" | "js";

export interface Kernel {
  readonly name: KernelName;
  /**
   * Sets outputs[r] to the XOR over j of coefficients(r, j)·inputs[j], byte by byte in GF(2^8), for every
   * row r and column j of `coefficients`. All shards have the same length; inputs and outputs do not overlap.
   */
  mulMatrix(coefficients: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void;
}
