/**
 * The WebAssembly SIMD kernel (kernel.wat): split-nibble table lookups, up to four output rows per pass over
 * the inputs. Shards are worked through in blocks small enough that a block of every input and output stays
 * in cache: each block of each input is copied into WebAssembly memory with one memcpy, and each output block
 * copied out with one. Lengths that are not a multiple of 16 are zero-padded inside WebAssembly memory only.
 */
import { mul } from "./gf256.js";
import type { Kernel } from "./kernel.js";
import { KERNEL_RELAXED_WASM_BASE64, KERNEL_WASM_BASE64 } from "./kernel-wasm.js";
import type { Matrix } from "./matrix.js";

/** Output rows per pass; kernel.wat has a function for each count up to this. */
const ROWS_PER_PASS = 4;
/** Bytes of input and output blocks together that one block pass aims to keep in (L2) cache. */
const CACHE_BUDGET = 512 * 1024;
const MIN_BLOCK = 1024;
const MAX_BLOCK = 64 * 1024;
const PAGE = 65536;

type MulRows = (tables: number, inputs: number, count: number, outputs: number, stride: number, length: number) => void;

interface Exports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  mul1: MulRows;
  mul2: MulRows;
  mul3: MulRows;
  mul4: MulRows;
}

/** The part of the WebAssembly JS API used here; the project's TypeScript libs (ES2023, node) do not declare it. */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<CompiledModule>;
  instantiate(module: CompiledModule): Promise<{ exports: unknown }>;
}
type CompiledModule = { readonly __compiledModule: unique symbol };

let compiled: Promise<{ api: WebAssemblyApi; module: CompiledModule } | undefined> | undefined;

/**
 * The compiled kernel: the relaxed-SIMD build where the runtime has relaxed SIMD (Node 22+; faster, same
 * results), else the SIMD build, else undefined.
 */
function compileOnce(): Promise<{ api: WebAssemblyApi; module: CompiledModule } | undefined> {
  compiled ??= (async () => {
    const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
    if (!api) return undefined;
    for (const base64 of [KERNEL_RELAXED_WASM_BASE64, KERNEL_WASM_BASE64]) {
      const bytes = Buffer.from(base64, "base64");
      if (api.validate(bytes)) return { api, module: await api.compile(bytes) };
    }
    return undefined;
  })();
  return compiled;
}

/** A kernel with its own WebAssembly instance (memory grows to the largest call), or undefined without SIMD. */
export async function wasmKernel(): Promise<Kernel | undefined> {
  const wasm = await compileOnce();
  if (!wasm) return undefined;
  const exports = (await wasm.api.instantiate(wasm.module)).exports as Exports;
  const passes = [exports.mul1, exports.mul2, exports.mul3, exports.mul4];
  const expanded = new WeakMap<Matrix, Uint8Array>();
  let memory = new Uint8Array(exports.memory.buffer);
  // The tables at offset 0 belong to this matrix's expansion; another matrix's call copies its own.
  let loaded: Uint8Array | undefined;

  const reserve = (bytes: number) => {
    if (bytes <= memory.length) return;
    exports.memory.grow(Math.ceil((bytes - memory.length) / PAGE));
    memory = new Uint8Array(exports.memory.buffer);
  };

  return {
    name: "wasm",
    mulMatrix(coefficients: Matrix, inputs: readonly Uint8Array[], outputs: readonly Uint8Array[]): void {
      const { rows, cols } = coefficients;
      const length = inputs[0].length;
      if (rows === 0 || length === 0) return;
      let tables = expanded.get(coefficients);
      if (!tables) {
        tables = expandTables(coefficients);
        expanded.set(coefficients, tables);
      }
      const block = blockSize(length, rows + cols);
      const inBase = roundUp(tables.length, 16);
      const outBase = inBase + cols * block;
      reserve(outBase + rows * block);
      if (loaded !== tables) {
        memory.set(tables, 0);
        loaded = tables;
      }
      for (let start = 0; start < length; start += block) {
        const n = Math.min(block, length - start);
        const padded = roundUp(n, 16);
        for (let j = 0; j < cols; j++) {
          const at = inBase + j * block;
          memory.set(inputs[j].subarray(start, start + n), at);
          if (padded > n) memory.fill(0, at + n, at + padded);
        }
        for (let r = 0; r < rows; r += ROWS_PER_PASS) {
          const count = Math.min(ROWS_PER_PASS, rows - r);
          passes[count - 1](r * cols * 32, inBase, cols, outBase + r * block, block, padded);
        }
        for (let r = 0; r < rows; r++) {
          const at = outBase + r * block;
          outputs[r].set(memory.subarray(at, at + n), start);
        }
      }
    },
  };
}

/**
 * The nibble tables of every coefficient in the order the passes read them: rows in groups of
 * ROWS_PER_PASS (the last group smaller), and within a group of N rows, for each input j the 32-byte tables
 * of rows r..r+N-1. A group starting at row r thus starts at byte r·cols·32.
 */
function expandTables({ rows, cols, data }: Matrix): Uint8Array {
  const out = new Uint8Array(rows * cols * 32);
  for (let r0 = 0; r0 < rows; r0 += ROWS_PER_PASS) {
    const n = Math.min(ROWS_PER_PASS, rows - r0);
    for (let j = 0; j < cols; j++) {
      for (let r = 0; r < n; r++) {
        const c = data[(r0 + r) * cols + j];
        const at = (r0 * cols + j * n + r) * 32;
        for (let x = 0; x < 16; x++) {
          out[at + x] = mul(c, x);
          out[at + 16 + x] = mul(c, x << 4);
        }
      }
    }
  }
  return out;
}

/** Bytes per shard per block: what fits the cache budget for this many shards, no more than the shards need. */
function blockSize(length: number, shards: number): number {
  const fits = Math.floor(CACHE_BUDGET / shards / 16) * 16;
  return Math.min(roundUp(length, 16), Math.max(MIN_BLOCK, Math.min(MAX_BLOCK, fits)));
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
