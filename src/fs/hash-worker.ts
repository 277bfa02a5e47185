/**
 * Hashing off the main thread. A streamed copy hashes every byte on both sides (as rclone does);
 * on the main thread that halves throughput, so large streams hash in worker threads, which run on
 * the other cores while the main thread moves the data. Small streams hash in-thread: a worker's
 * start-up and message costs exceed the work.
 *
 * Each worker owns a ring of shared-memory slots: the main thread copies a chunk into a free slot
 * and posts its number; the worker hashes it and hands the slot back. Memory stays fixed (no
 * per-chunk buffers for two heaps to collect) and a slow worker makes the producer wait.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type HashType, newHasher } from "./hashes.js";

const SLOT = 1 << 20;
const SLOTS = 8;

// Inline source: the CLI is one bundled file, so a worker module path would not survive bundling.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { crc32 } = require("node:zlib");
const ring = new Uint8Array(workerData);
let h; let crc = 0; let type;
parentPort.on("message", (m) => {
  if (typeof m === "string") { type = m; crc = 0; h = type === "crc32" ? undefined : createHash(type); return; }
  if (m === null) { parentPort.postMessage(type === "crc32" ? crc.toString(16).padStart(8, "0") : h.digest("hex")); return; }
  const view = ring.subarray(m.slot * ${SLOT}, m.slot * ${SLOT} + m.length);
  if (type === "crc32") crc = crc32(view, crc); else h.update(view);
  parentPort.postMessage(m.slot);
});
`;

/** Streams of at least this many bytes (or of unknown size) hash in a worker. */
export const WORKER_HASH_THRESHOLD = 8 << 20;

interface PooledWorker {
  worker: Worker;
  ring: Uint8Array;
}

const idle: PooledWorker[] = [];
let live = 0;
const maxWorkers = Math.max(1, availableParallelism());

/** A free worker, referenced while in use (an idle one must not hold the process open). */
function acquire(): PooledWorker | undefined {
  let pooled = idle.pop();
  if (!pooled) {
    if (live >= maxWorkers) return undefined;
    live++;
    const shared = new SharedArrayBuffer(SLOT * SLOTS);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: shared });
    worker.on("error", () => {
      live--;
    });
    pooled = { worker, ring: new Uint8Array(shared) };
  }
  pooled.worker.ref();
  return pooled;
}

function release(pooled: PooledWorker): void {
  pooled.worker.unref();
  idle.push(pooled);
}

/** Ends the idle workers (a program done with strata: `closeAll`); one in use is left to finish. */
export async function closeIdleHashWorkers(): Promise<void> {
  const ending = idle.splice(0);
  live -= ending.length;
  await Promise.all(ending.map((pooled) => pooled.worker.terminate()));
}

class WorkerHasher {
  private readonly free = Array.from({ length: SLOTS }, (_, i) => i);
  private wake: (() => void) | undefined;
  private finish: ((hex: string) => void) | undefined;
  private readonly onMessage = (m: number | string) => {
    if (typeof m === "string") {
      this.pooled.worker.off("message", this.onMessage);
      release(this.pooled);
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
    type: HashType,
  ) {
    pooled.worker.on("message", this.onMessage);
    pooled.worker.postMessage(type);
  }

  /** Queues `data`; returns a promise only when it had to wait for a free slot. */
  update(data: Uint8Array): Promise<void> | undefined {
    let at = 0;
    while (at < data.length && this.free.length > 0) at = this.send(data, at);
    if (at >= data.length) return undefined;
    return (async () => {
      while (at < data.length) {
        if (this.free.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
        at = this.send(data, at);
      }
    })();
  }

  private send(data: Uint8Array, at: number): number {
    const slot = this.free.pop() as number;
    const length = Math.min(SLOT, data.length - at);
    this.pooled.ring.set(data.subarray(at, at + length), slot * SLOT);
    this.pooled.worker.postMessage({ slot, length });
    return at + length;
  }

  digest(): Promise<string> {
    // Asked once: after the answer the worker is back in the pool, perhaps hashing for someone else.
    this.digested ??= new Promise((resolve) => {
      this.finish = resolve;
      this.pooled.worker.postMessage(null);
    });
    return this.digested;
  }

  private digested: Promise<string> | undefined;
}

/**
 * An incremental hash whose digest is awaited; `update` may ask the producer to wait. `digest` ends
 * the hash and may be called again (a clean-up after a failure), giving the same answer.
 */
export interface AsyncHasher {
  update(data: Uint8Array): Promise<void> | undefined;
  digest(): Promise<string>;
}

/** A hasher for a stream of `size` bytes (-1: unknown): in a worker when large and one is free. */
export function streamHasher(type: HashType, size: number): AsyncHasher {
  const pooled = size < 0 || size >= WORKER_HASH_THRESHOLD ? acquire() : undefined;
  if (pooled) return new WorkerHasher(pooled, type);
  const h = newHasher(type);
  let digested: Promise<string> | undefined;
  return {
    update: (d) => {
      h.update(d);
      return undefined;
    },
    digest: () => {
      digested ??= Promise.resolve().then(() => h.digest());
      return digested;
    },
  };
}
