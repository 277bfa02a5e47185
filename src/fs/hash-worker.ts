/**
 * Hashing off the main thread. A streamed copy hashes every byte on both sides (as rclone does);
 * on the main thread that halves throughput, so large streams hash in worker threads, which run on
 * the other cores while the main thread moves the data. Small streams hash in-thread: a worker's
 * start-up and message costs exceed the work.
 *
 * Each worker owns a ring of shared-memory slots: the main thread copies chunks into a free slot
 * and posts its number once the slot is full (or the stream ends), so a stream of small chunks costs
 * a message per 2 MiB, not one per chunk; the worker hashes it and hands the slot back. Memory stays fixed (no
 * per-chunk buffers for two heaps to collect) and a slow worker makes the producer wait.
 */
import { type HashType, newHasher } from "./hashes.js";
import { copyBytes, type PooledWorker, WorkerPool } from "./worker-pool.js";

const SLOT = 2 << 20;
const SLOTS = 4;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { crc32 } = require("node:zlib");
const ring = new Uint8Array(workerData.ring);
let hashers = [];
const hasher = (type) => {
  if (type !== "crc32") return createHash(type);
  let crc = 0;
  return { update: (view) => { crc = crc32(view, crc); }, digest: () => crc.toString(16).padStart(8, "0") };
};
parentPort.on("message", (m) => {
  if (Array.isArray(m)) { hashers = m.map(hasher); return; }
  if (m === null) { parentPort.postMessage(hashers.map((h) => h.digest("hex"))); return; }
  const view = ring.subarray(m.slot * ${SLOT}, m.slot * ${SLOT} + m.length);
  for (const h of hashers) h.update(view);
  parentPort.postMessage(m.slot);
});
`;

/** Streams of at least this many bytes (or of unknown size) hash in a worker. */
export const WORKER_HASH_THRESHOLD = 8 << 20;

const pool = new WorkerPool(WORKER_SOURCE, SLOT * SLOTS);

class WorkerHasher {
  private readonly free = Array.from({ length: SLOTS }, (_, i) => i);
  /** The slot chunks are being copied into, and how much of it they fill: a message per full slot, not per chunk. */
  private filling: number | undefined;
  private filled = 0;
  private wake: (() => void) | undefined;
  private finish: ((hex: string[]) => void) | undefined;
  private readonly onMessage = (m: number | string[]) => {
    if (typeof m !== "number") {
      this.pooled.worker.off("message", this.onMessage);
      pool.release(this.pooled);
      this.finish?.(m);
      return;
    }
    this.free.push(m);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  constructor(
    private readonly pooled: PooledWorker,
    types: readonly HashType[],
  ) {
    pooled.worker.on("message", this.onMessage);
    pooled.worker.postMessage(types);
  }

  /** Queues `data`; returns a promise only when it had to wait for a free slot. */
  update(data: Uint8Array): Promise<void> | undefined {
    let at = 0;
    while (at < data.length && this.hasRoom()) at = this.fill(data, at);
    if (at >= data.length) return undefined;
    return (async () => {
      while (at < data.length) {
        if (!this.hasRoom()) await new Promise<void>((resolve) => (this.wake = resolve));
        at = this.fill(data, at);
      }
    })();
  }

  private hasRoom(): boolean {
    return this.filling !== undefined || this.free.length > 0;
  }

  /** Copies what fits of `data` from `at` into the slot being filled, sending it once full. */
  private fill(data: Uint8Array, at: number): number {
    if (this.filling === undefined) {
      this.filling = this.free.pop() as number;
      this.filled = 0;
    }
    const length = Math.min(SLOT - this.filled, data.length - at);
    copyBytes(data.subarray(at, at + length), this.pooled.ring, this.filling * SLOT + this.filled);
    this.filled += length;
    if (this.filled === SLOT) this.send();
    return at + length;
  }

  /** Hands the slot being filled to the worker. */
  private send(): void {
    if (this.filling === undefined) return;
    if (this.filled > 0) this.pooled.worker.postMessage({ slot: this.filling, length: this.filled });
    else this.free.push(this.filling);
    this.filling = undefined;
  }

  digests(): Promise<string[]> {
    // Asked once: after the answer the worker is back in the pool, perhaps hashing for someone else.
    this.digested ??= new Promise((resolve) => {
      this.finish = resolve;
      this.send();
      this.pooled.worker.postMessage(null);
    });
    return this.digested;
  }

  private digested: Promise<string[]> | undefined;
}

/**
 * An incremental hash whose digest is awaited; `update` may ask the producer to wait. `digest` ends
 * the hash and may be called again (a clean-up after a failure), giving the same answer.
 */
export interface AsyncHasher {
  update(data: Uint8Array): Promise<void> | undefined;
  digest(): Promise<string>;
}

/** Several hashes over one pass of the data, as `AsyncHasher`; `digests` answers in the order of the types. */
export interface AsyncMultiHasher {
  update(data: Uint8Array): Promise<void> | undefined;
  digests(): Promise<string[]>;
}

/**
 * Hashes of `types` over a stream of `size` bytes (-1: unknown), computed in one pass: in a worker
 * (one copy of each chunk for all of them) when large and one is free.
 */
export function streamHashers(types: readonly HashType[], size: number): AsyncMultiHasher {
  const pooled = size < 0 || size >= WORKER_HASH_THRESHOLD ? pool.acquire() : undefined;
  if (pooled) return new WorkerHasher(pooled, types);
  const hashers = types.map(newHasher);
  let digested: Promise<string[]> | undefined;
  return {
    update: (d) => {
      for (const h of hashers) h.update(d);
      return undefined;
    },
    digests: () => {
      digested ??= Promise.resolve().then(() => hashers.map((h) => h.digest()));
      return digested;
    },
  };
}

/** A hasher for a stream of `size` bytes (-1: unknown): in a worker when large and one is free. */
export function streamHasher(type: HashType, size: number): AsyncHasher {
  const hashers = streamHashers([type], size);
  return { update: (d) => hashers.update(d), digest: async () => (await hashers.digests())[0] as string };
}
