/** A whole run with --retries: repeated while it fails with errors worth retrying (rclone's Attempt N/M). */
import type { Stats } from "../accounting/stats.js";
import { FsError, isFsError } from "../errors.js";
import { log } from "../log.js";

export interface RunOptions {
  /** Attempts in all (--retries, default 3). */
  retries: number;
  /** --retries-sleep: milliseconds to wait before another attempt (0: none). */
  sleepMs?: number;
  /** --error-on-no-transfer: exit 9 when nothing was transferred. */
  errorOnNoTransfer?: boolean;
}

/**
 * Runs `attempt` until it finishes without errors or the attempts are used up. As rclone, it does
 * not repeat a run that ended with a fatal error or whose errors another run cannot change
 * (`worthAnotherRun`: no-retry, corrupt data, bad config). Throws the run's failure as an FsError
 * carrying the last error's code (so the exit code follows it).
 */
export async function runWithRetries(stats: Stats, o: RunOptions, attempt: () => Promise<void>): Promise<void> {
  const tries = Math.max(1, o.retries);
  for (let i = 1; i <= tries; i++) {
    stats.errors = 0;
    stats.retryableErrors = 0;
    stats.lastError = undefined;
    try {
      await attempt();
    } catch (err) {
      stats.error(err, undefined, "run stopped");
    }
    if (stats.errors === 0 || stats.cutoffReached) break;
    const last = stats.lastError;
    if (isFsError(last) && last.retry === "fatal") {
      log.error(undefined, "Fatal error received - not attempting retries");
      break;
    }
    if (stats.retryableErrors === 0) {
      log.error(undefined, "Can't retry any of the errors - not attempting retries");
      break;
    }
    log.error(
      undefined,
      `Attempt ${i}/${tries} failed with ${stats.errors} errors and: ${(last as Error)?.message ?? last}`,
    );
    if (i < tries && (o.sleepMs ?? 0) > 0) await new Promise((r) => setTimeout(r, o.sleepMs));
  }
  if (stats.cutoffReached) {
    throw new FsError("MaxTransferReached", "max transfer limit reached as set by --max-transfer", { retry: "fatal" });
  }
  if (stats.errors > 0) {
    const last = stats.lastError;
    const lastMessage = String((last as Error)?.message ?? last);
    // As rclone: one error is reported as itself.
    const message = stats.errors === 1 ? lastMessage : `with ${stats.errors} errors: last error was: ${lastMessage}`;
    throw isFsError(last)
      ? new FsError(last.code, message, { retry: last.retry, cause: last })
      : new FsError("Other", message, { cause: last });
  }
  if (o.errorOnNoTransfer && stats.transfers === 0) {
    throw new FsError("NoTransfer", "no files were transferred (--error-on-no-transfer)");
  }
}
