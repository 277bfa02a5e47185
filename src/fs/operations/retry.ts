/** --low-level-retries: one operation retried with exponential back-off while its error is temporary. */
import { isRetryable } from "../errors.js";
import { log } from "../log.js";

export interface RetryOptions {
  /** Attempts in all (rclone's --low-level-retries, default 10). */
  attempts: number;
  /** First back-off in ms; doubles each time, capped at 2 s. */
  baseDelayMs?: number;
  signal?: AbortSignal;
  /** What is being retried, for the log. */
  what?: string;
  /** Which errors are worth another attempt (default: temporary ones). */
  retryIf?: (err: unknown) => boolean;
}

export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  let delay = options.baseDelayMs ?? 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(options.retryIf ?? isRetryable)(err) || attempt >= options.attempts || options.signal?.aborted) throw err;
      log.debug(options.what, `low level retry ${attempt}/${options.attempts}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }
}
