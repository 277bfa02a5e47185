/** rclone's --max-backlog: how far the march may run ahead of the checkers and transfers. */
import type PQueue from "p-queue";

/** rclone's default `--max-backlog`. */
export const DEFAULT_MAX_BACKLOG = 10_000;

/**
 * Adds `job` to `queue` once fewer than `backlog` jobs (at least one) wait in it, so the files the
 * march found but nobody has handled yet stay bounded. Resolves when the job is queued, not when it
 * is done; a job that throws goes to `onError`.
 */
export async function addWithBacklog(
  queue: PQueue,
  backlog: number,
  job: () => Promise<void>,
  onError: (err: unknown) => void,
): Promise<void> {
  await queue.onSizeLessThan(Math.max(1, backlog));
  queue.add(job).catch(onError);
}
