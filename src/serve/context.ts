/** What every request handler of a server works with: the served `Fs`, the settings, stats and counters. */
import type { Stats } from "../fs/accounting/stats.js";
import type { Fs } from "../fs/types.js";
import type { ServeMetrics } from "./metrics.js";
import type { ServeOptions } from "./options.js";

export interface ServeContext {
  fs: Fs;
  options: ServeOptions;
  /** Transfers and bytes, reported by -v/--stats/--progress as any command's. */
  stats: Stats;
  metrics: ServeMetrics;
}
