/**
 * Hashing off the main thread. A streamed copy hashes every byte on both sides (as rclone does);
 * on the main thread that halves throughput, so large streams hash in worker threads, which run on
 * the other cores while the main thread moves the data. Small streams hash in-thread: a worker's
 * start-up and message costs exceed the work.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type HashType, newHasher } from "./hashes.js";

// Inline source: the CLI is one bundled file, so a worker module path would not survive bundling.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { crc32 } = require("node:zlib");
let h; let crc = 0; let type;
parentPort.on("message", (m) => {
  if (typeof m === "string") { type = m; crc = 0; h = type === "crc32" ? undefined : createHash(type); return; }
  if (m === null) {
    parentPort.postMessage(type === "crc32" ? crc.toString(16).padStart(8, "0") : h.digest("hex"));
    return;
  }
  if (type === "crc32") crc = crc32(m, crc); else h.update(m);
  parentPort.postMessage(0);
});
`;

/** Streams of at least this many bytes (or of unknown size) hash in a worker. */
export const WORKER_HASH_THRESHOLD = 8 << 20;

const idle: Worker[] = [];
let live = 0;
const maxWorkers = Math.max(1, availableParallelism());

/** A free worker, kept referenced while in use (an idle one must not hold the process open). */
function acquire(): Worker | undefined {
  let worker = idle.pop();
  if (!worker) {
    if (live >= maxWorkers) return undefined;
    live++;
    worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.on("error", () => {
      live--;
    });
  }
  worker.ref();
  return worker;
}

function release(worker: Worker): void {
  worker.unref();
  idle.push(worker);
}

/** Chunks a worker may have queued before `update` makes the producer wait (bounded memory). */
const MAX_IN_FLIGHT = 8;

class WorkerHasher {
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private finish: ((hex: string) => void) | undefined;
  private readonly onMessage = (m: number | string) => {
    if (typeof m === "string") {
      this.worker.off("message", this.onMessage);
      release(this.worker);
      this.finish?.(m);
      return;
    }
    this.inFlight--;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  };

  constructor(
    private readonly worker: Worker,
    type: HashType,
  ) {
    worker.on("message", this.onMessage);
    worker.postMessage(type);
  }

  update(data: Uint8Array): Promise<void> | undefined {
    // The caller keeps using `data` (it is being written too), so the worker gets a copy it owns.
    const copy = new Uint8Array(data);
    this.worker.postMessage(copy, [copy.buffer]);
    this.inFlight++;
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  digest(): Promise<string> {
    return new Promise((resolve) => {
      this.finish = resolve;
      this.worker.postMessage(null);
    });
  }
}

/** An incremental hash whose digest is awaited; `update` may ask the producer to wait. */
export interface AsyncHasher {
  update(data: Uint8Array): Promise<void> | undefined;
  digest(): Promise<string>;
}

/** A hasher for a stream of `size` bytes (-1: unknown): in a worker when large and one is free. */
export function streamHasher(type: HashType, size: number): AsyncHasher {
  const worker = size < 0 || size >= WORKER_HASH_THRESHOLD ? acquire() : undefined;
  if (worker) return new WorkerHasher(worker, type);
  const h = newHasher(type);
  return {
    update: (d) => {
      h.update(d);
      return undefined;
    },
    digest: async () => h.digest(),
  };
}
