/** --bwlimit: a token bucket shared by every transfer of a run. */

export class TokenBucket {
  private tokens: number;
  private last = Date.now();

  /** `bytesPerSecond` sustained, with bursts up to one second's worth. */
  constructor(private readonly bytesPerSecond: number) {
    this.tokens = bytesPerSecond;
  }

  /** Waits until `n` bytes may pass. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
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
