/**
 * Which temporary shards the repair daemon may remove. A temporary shard is complete once it is
 * listed (uploads and rebuilds rename it as soon as its siblings are written), so one still there,
 * unchanged, a whole sweep later belongs to an upload or rebuild that was killed. Nothing is kept
 * on disk: a restarted daemon sees such leftovers on its first sweep and removes them on its second.
 */
import type { TempShard } from "../scan.js";

export class LeftoverTracker {
  /** Temporary shards the previous sweep saw: upstream and path → size and modtime. */
  private previous = new Map<string, string>();
  private current = new Map<string, string>();

  /** Records `t` as seen by this sweep; true when the previous sweep saw it exactly as it is. */
  stale(t: TempShard): boolean {
    const key = `${t.upstream}\u0000${t.obj.remote}`;
    const seen = `${t.obj.size}/${t.obj.modTime.getTime()}`;
    this.current.set(key, seen);
    return this.previous.get(key) === seen;
  }

  /** Ends a sweep: what it saw is what the next one compares with. */
  endSweep(): void {
    this.previous = this.current;
    this.current = new Map();
  }
}
