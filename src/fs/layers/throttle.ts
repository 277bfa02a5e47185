/**
 * A transparent layer that passes every byte read and written through token buckets (--bwlimit
 * below an overlay): a repair that reads and writes shards directly, not through one body a
 * command could account, is limited here.
 */
import type { TokenBucket } from "../accounting/bwlimit.js";
import type { Body, Fs, OpenOptions } from "../types.js";
import { LayerFs } from "./layer.js";

/** The buckets bytes pass through; the same bucket for both limits their total. */
export interface ThrottleBuckets {
  read?: TokenBucket;
  write?: TokenBucket;
}

export class ThrottleFs extends LayerFs {
  constructor(
    inner: Fs,
    private readonly buckets: ThrottleBuckets,
  ) {
    super(inner);
  }

  protected override wrapRead(_remote: string, body: Body, options?: OpenOptions): Body {
    return this.buckets.read ? throttled(body, this.buckets.read, options?.signal) : body;
  }

  protected override wrapWrite(_remote: string, body: Body): Body {
    return this.buckets.write ? throttled(body, this.buckets.write) : body;
  }
}

async function* throttled(body: Body, bucket: TokenBucket, signal?: AbortSignal): Body {
  for await (const part of body) {
    await bucket.take(part.length, signal);
    yield part;
  }
}
