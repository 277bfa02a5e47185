/**
 * For long-tail tests: a transparent layer that makes one remote slow. Each chunk read or written
 * waits in proportion to its size before it passes; a wait ends at once when the call is aborted,
 * as a network request would. It counts the bodies still flowing, so a test can prove a cancelled
 * writer or reader stopped.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { LayerFs } from "../../src/fs/layers/layer.js";
import type { Body, Fs, FsObject, ObjectInfo, OpenOptions, PutOptions } from "../../src/fs/types.js";

export interface SlowRates {
  /** Bytes per second read from the remote; unlimited when absent. */
  readBps?: number;
  /** Bytes per second written to the remote; unlimited when absent. */
  writeBps?: number;
  /** Bytes of each body that pass at full speed before the rate applies (a remote that slows down mid-way). */
  fastBytes?: number;
}

export class SlowFs extends LayerFs {
  /** Bodies being read or written through this layer right now. */
  active = 0;

  constructor(
    inner: Fs,
    public rates: SlowRates,
  ) {
    super(inner);
  }

  override put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return super.put(this.paced(body, this.rates.writeBps, options?.signal), src, options);
  }

  override putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return super.putStream(this.paced(body, this.rates.writeBps, options?.signal), src, options);
  }

  protected override wrapRead(_remote: string, body: Body, options?: OpenOptions): Body {
    return this.paced(body, this.rates.readBps, options?.signal);
  }

  /**
   * `body` at `bps`. An iterator rather than a generator, so closing it before its first chunk
   * still closes `body` (a generator never started would not pass the close on).
   */
  private paced(body: Body, bps: number | undefined, signal?: AbortSignal): Body {
    const inner = body[Symbol.asyncIterator]();
    const fastBytes = this.rates.fastBytes ?? 0;
    let passed = 0;
    let flowing = false;
    const start = () => {
      if (!flowing) this.active++;
      flowing = true;
    };
    const stop = () => {
      if (flowing) this.active--;
      flowing = false;
    };
    const paced: AsyncIterableIterator<Uint8Array> = {
      [Symbol.asyncIterator]: () => paced,
      async next() {
        start();
        try {
          const r = await inner.next();
          if (r.done) {
            stop();
            return r;
          }
          passed += r.value.length;
          if (bps && passed > fastBytes) await sleep((r.value.length / bps) * 1000, undefined, { signal });
          return r;
        } catch (err) {
          stop();
          await inner.return?.();
          throw err;
        }
      },
      async return(value?: unknown) {
        stop();
        await inner.return?.();
        return { done: true, value };
      },
    };
    return paced;
  }
}
