/**
 * The long tail's clock: how long an upload waits for shards slower than the `optimal` fastest,
 * and how late a shard's piece may be before a read asks another shard for it. Pure arithmetic on
 * milliseconds, so the rules can be tested alone (docs/erasure.md, "Long tail").
 */

/**
 * Slower shards are never cut off sooner than this. Remotes of equal speed differ by their request
 * latencies (tens to hundreds of ms over a network, more on a loaded machine), and a shard cut off
 * costs a rebuild later, so only a remote clearly behind is worth cutting.
 */
export const GRACE_FLOOR_MS = 1000;
/** Beyond the floor, the share of the fast shards' time the others may add to an upload. */
export const GRACE_FRACTION = 0.25;
/** A read never asks another shard sooner than this after asking one for a piece. */
export const HEDGE_FLOOR_MS = 50;
/** A piece is late once it takes this many times the median of its segment's pieces that arrived. */
export const HEDGE_FACTOR = 2;

/**
 * How long shards not stored yet may still take once `optimal` are stored, `elapsedMs` into the
 * upload: a share of the time the fast ones took, at least the floor.
 */
export function graceMs(elapsedMs: number): number {
  return Math.max(GRACE_FLOOR_MS, GRACE_FRACTION * elapsedMs);
}

/**
 * How much longer the encoder may wait for a shard whose queue is full while `optimal` others have
 * room, `elapsedMs` into the upload, when that shard has already held it up for `stalledMs` in all.
 * A shard may hold the upload up by `graceMs` of its elapsed time, counted as the wait goes on (so
 * a shard half as fast as the others is cut off, not waited for at every segment); 0 when it has
 * used that up.
 */
export function stallBudgetMs(elapsedMs: number, stalledMs: number): number {
  // The allowance grows while the encoder waits: solve stalled + w = FRACTION * (elapsed + w).
  const byFraction = (GRACE_FRACTION * elapsedMs - stalledMs) / (1 - GRACE_FRACTION);
  return Math.max(0, GRACE_FLOOR_MS - stalledMs, byFraction);
}

/**
 * When a piece of a segment is late, in ms after it was asked for, given how long the pieces of the
 * same segment that arrived took: `HEDGE_FACTOR` times their median, at least the floor. Undefined
 * when none arrived yet (nothing to compare with).
 */
export function hedgeDeadlineMs(latenciesMs: readonly number[]): number | undefined {
  if (latenciesMs.length === 0) return undefined;
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.max(HEDGE_FLOOR_MS, HEDGE_FACTOR * median);
}

/**
 * Resolves true once `promise` settles, or false after `ms` (whichever first). The timer is cleared
 * either way, so nothing is left to keep the process alive; a timeout waits one more turn of the
 * event loop, so I/O that completed while the loop was busy is heard before the timeout counts.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => setImmediate(() => resolve(false)), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
