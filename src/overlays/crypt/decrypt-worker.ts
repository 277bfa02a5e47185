/**
 * Decrypting a large read on another core. The main thread reads, writes and collects garbage; with
 * libsodium's block opening moved to a worker thread, a crypt read keeps both cores busy, as
 * rclone's goroutines do.
 *
 * Each worker owns a ring of shared-memory slots. The main thread copies a run of sealed blocks into
 * a free slot and posts its number with the run's first nonce; the worker opens the blocks in place
 * and answers with the slot and the first block that failed, if any; the main thread copies the
 * plaintext out into a buffer of its own and yields it. One worker serves one read, so answers come
 * in order.
 */
import { createRequire } from "node:module";
import { FsError } from "../../fs/errors.js";
import { copyBytes, type PooledWorker, WorkerPool } from "../../fs/worker-pool.js";
import { addToNonce, BLOCK_BYTES, notAuthentic, plainLength, SEALED_BLOCK_BYTES, type SealedRun } from "./cipher.js";
import { TAG_BYTES } from "./secretbox.js";

/** Sealed blocks per slot: about 1 MiB, a local read's chunk. */
const SLOT_BLOCKS = 16;
const SLOT = SLOT_BLOCKS * SEALED_BLOCK_BYTES;
const SLOTS = 6;

/** Reads of at least this many sealed bytes decrypt in a worker; below, its start-up costs more than it saves. */
export const WORKER_DECRYPT_THRESHOLD = 8 << 20;

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const sodium = require(workerData.sodium);
const ring = new Uint8Array(workerData.ring);
parentPort.on("message", ({ slot, length, nonce, key }) => {
  const base = slot * ${SLOT};
  let failed = -1;
  for (let i = 0, at = 0; at < length; i++, at += ${SEALED_BLOCK_BYTES}) {
    const end = Math.min(at + ${SEALED_BLOCK_BYTES}, length);
    const plain = ring.subarray(base + i * ${BLOCK_BYTES}, base + i * ${BLOCK_BYTES} + end - at - ${TAG_BYTES});
    if (!sodium.crypto_secretbox_open_easy(plain, ring.subarray(base + at, base + end), nonce, key)) { failed = i; break; }
    for (let b = 0; b < nonce.length; b++) { nonce[b] = (nonce[b] + 1) & 255; if (nonce[b] !== 0) break; }
  }
  parentPort.postMessage({ slot, failed });
});
`;

const pool = new WorkerPool(WORKER_SOURCE, SLOT * SLOTS, () => ({
  sodium: createRequire(import.meta.url).resolve("sodium-native"),
}));

interface Job {
  slot: number;
  /** Sealed bytes in the slot. */
  sealed: number;
  /** The number of the job's first block. */
  index: number;
  /** The position in the job of the first block that failed, -1 when none did. */
  answer: Promise<number>;
  answered: boolean;
}

/**
 * Decrypts runs of sealed blocks (`sealedRuns`) in a worker thread, with libsodium (the caller
 * checks that it loaded), yielding each run's plaintext in order. Throws
 * `Corrupt` naming `path` at the first block that does not authenticate, after yielding the
 * plaintext before it (up to a slot's worth of blocks may be held back), and the worker's error
 * if it fails. Returns undefined when no worker is free. Stopping early (`return`, an error) waits
 * for the blocks in flight, then hands the worker back.
 */
export function decryptInWorker(
  runs: AsyncIterable<SealedRun>,
  key: Uint8Array,
  nonce: Uint8Array,
  path: string,
): AsyncGenerator<Uint8Array> | undefined {
  const pooled = pool.acquire();
  return pooled && new WorkerDecrypter(pooled, key, nonce, path).decrypt(runs);
}

class WorkerDecrypter {
  private readonly free = Array.from({ length: SLOTS }, (_, i) => i);
  /** In flight, oldest first. */
  private readonly jobs: Job[] = [];
  /** How to settle the job using each busy slot. */
  private readonly waiting = new Map<number, { resolve: (failed: number) => void; reject: (err: unknown) => void }>();
  private broken: unknown;
  private readonly onMessage = ({ slot, failed }: { slot: number; failed: number }) => {
    this.waiting.get(slot)?.resolve(failed);
    this.waiting.delete(slot);
  };
  private readonly onError = (err: unknown) => this.fail(err);
  private readonly onExit = (code: number) => this.fail(new Error(`the decrypt worker exited with code ${code}`));

  constructor(
    private readonly pooled: PooledWorker,
    private readonly key: Uint8Array,
    private readonly nonce: Uint8Array,
    private readonly path: string,
  ) {
    pooled.worker.on("message", this.onMessage);
    pooled.worker.on("error", this.onError);
    pooled.worker.on("exit", this.onExit);
  }

  async *decrypt(runs: AsyncIterable<SealedRun>): AsyncGenerator<Uint8Array> {
    try {
      for await (const { run, index } of runs) {
        for (let at = 0; at < run.length; at += SLOT) {
          if (this.free.length === 0) yield await this.take();
          this.submit(run.subarray(at, Math.min(at + SLOT, run.length)), index + at / SEALED_BLOCK_BYTES);
          while (this.jobs[0]?.answered) yield await this.take();
        }
      }
      while (this.jobs.length > 0) yield await this.take();
    } finally {
      await this.close();
    }
  }

  private submit(sealed: Uint8Array, index: number): void {
    if (this.broken) throw this.broken;
    const slot = this.free.pop() as number;
    copyBytes(sealed, this.pooled.ring, slot * SLOT);
    const job = { slot, sealed: sealed.length, index, answered: false } as Job;
    job.answer = new Promise<number>((resolve, reject) => {
      const answered = (failed: number) => {
        job.answered = true;
        resolve(failed);
      };
      this.waiting.set(slot, { resolve: answered, reject });
    });
    // Awaited in order by `take`; this only keeps a worker failure from being reported as unhandled.
    job.answer.catch(() => undefined);
    this.jobs.push(job);
    this.pooled.worker.postMessage({
      slot,
      length: sealed.length,
      nonce: addToNonce(this.nonce, index),
      key: this.key,
    });
  }

  /** The oldest job's plaintext, copied out of its slot. */
  private async take(): Promise<Uint8Array> {
    const job = this.jobs.shift() as Job;
    const failed = await job.answer;
    this.free.push(job.slot);
    if (failed >= 0) throw notAuthentic(job.index + failed, this.path);
    const plain = Buffer.allocUnsafe(plainLength(job.sealed));
    this.pooled.ring.copy(plain, 0, job.slot * SLOT, job.slot * SLOT + plain.length);
    return plain;
  }

  private fail(err: unknown): void {
    this.broken ??= new FsError("Other", `decrypting: ${(err as Error)?.message ?? String(err)}`, {
      path: this.path,
      cause: err,
    });
    for (const { reject } of this.waiting.values()) reject(this.broken);
    this.waiting.clear();
  }

  /** Waits for the jobs in flight, then hands the worker back (or ends it if it failed). */
  private async close(): Promise<void> {
    await Promise.allSettled(this.jobs.map((job) => job.answer));
    this.jobs.length = 0;
    const { worker } = this.pooled;
    worker.off("message", this.onMessage);
    worker.off("error", this.onError);
    worker.off("exit", this.onExit);
    if (this.broken) pool.discard(this.pooled);
    else pool.release(this.pooled);
  }
}
