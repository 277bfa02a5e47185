/**
 * Pools of worker threads that each own a ring of shared memory (hashing, crypt's decryption). A
 * worker is started on first need and kept idle afterwards, unreferenced, so a program that is done
 * can exit without ending it; at most `max` of a kind run at once, and a caller that finds none free
 * does its work in-thread.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/**
 * A worker with the shared memory it was started with, as a Buffer: `Buffer#copy` moves bytes in and
 * out of shared memory at about twice the speed of `Uint8Array#set`.
 */
export interface PooledWorker {
  readonly worker: Worker;
  readonly ring: Buffer;
}

const pools = new Set<WorkerPool>();

export class WorkerPool {
  private readonly idle: PooledWorker[] = [];
  private live = 0;

  /**
   * Workers run `source` (CommonJS, evaluated: the CLI is one bundled file, so a worker module path
   * would not survive bundling) and get `{ ring, ...data() }` as `workerData`, `ring` being a
   * SharedArrayBuffer of `ringBytes`.
   */
  constructor(
    private readonly source: string,
    private readonly ringBytes: number,
    private readonly data: () => Record<string, unknown> = () => ({}),
    private readonly max = Math.max(1, availableParallelism()),
  ) {
    pools.add(this);
  }

  /** A free worker, referenced while in use; undefined when `max` are busy. */
  acquire(): PooledWorker | undefined {
    let pooled = this.idle.pop();
    if (!pooled) {
      if (this.live >= this.max) return undefined;
      this.live++;
      const shared = new SharedArrayBuffer(this.ringBytes);
      const worker = new Worker(this.source, { eval: true, workerData: { ...this.data(), ring: shared } });
      const started = { worker, ring: Buffer.from(shared) };
      worker.once("exit", () => {
        this.live--;
        const at = this.idle.indexOf(started);
        if (at >= 0) this.idle.splice(at, 1);
      });
      pooled = started;
    }
    pooled.worker.ref();
    return pooled;
  }

  /** Gives back a worker that has finished every job it was given. */
  release(pooled: PooledWorker): void {
    pooled.worker.unref();
    this.idle.push(pooled);
  }

  /** Ends a worker that failed or may still be writing its ring; it is not reused. */
  discard(pooled: PooledWorker): void {
    void pooled.worker.terminate();
  }

  /** Workers started and not yet exited, busy or idle. */
  get running(): number {
    return this.live;
  }

  /** Ends the idle workers; one in use is left to finish. */
  async closeIdle(): Promise<void> {
    await Promise.all(this.idle.splice(0).map((pooled) => pooled.worker.terminate()));
  }
}

/** Worker threads of every pool started and not yet exited, busy or idle. */
export function runningWorkers(): number {
  return [...pools].reduce((n, pool) => n + pool.running, 0);
}

/** Ends the idle workers of every pool (a program done with strata: `closeAll`). */
export async function closeIdleWorkers(): Promise<void> {
  await Promise.all([...pools].map((pool) => pool.closeIdle()));
}

/** Copies `from` into `ring` at `at`. */
export function copyBytes(from: Uint8Array, ring: Buffer, at: number): void {
  Buffer.from(from.buffer, from.byteOffset, from.byteLength).copy(ring, at);
}
