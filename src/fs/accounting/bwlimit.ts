/** --bwlimit: a token bucket shared by every transfer of a run. */

export class TokenBucket {
  // Empty at the start, as rclone's limiter: a run never goes faster than the limit, not even in
  // its first second.
  private tokens = 0;
  private last = Date.now();

  /** `bytesPerSecond` sustained; a pause lets up to one second's worth build up again. */
  constructor(readonly bytesPerSecond: number) {}

  /** Waits until `n` bytes may pass. Rejects with the signal's reason when it aborts. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
      // A part larger than a second's worth passes once the bucket is full and leaves a debt.
      if (this.tokens >= Math.min(n, this.bytesPerSecond)) {
        this.tokens -= n;
        return;
      }
      const waitMs = ((Math.min(n, this.bytesPerSecond) - this.tokens) / this.bytesPerSecond) * 1000;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, Math.max(1, waitMs));
        signal?.addEventListener(
          "abort",
          () => {
            clearTimeout(t);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    }
  }
}
