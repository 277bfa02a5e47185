/** -P/--progress, --stats and --stats-one-line, for every command that runs long. */
import type { Argv } from "yargs";
import { startProgress } from "../fs/accounting/progress.js";
import type { Stats } from "../fs/accounting/stats.js";
import { parseDuration } from "../fs/units.js";

export interface ProgressArgs {
  progress: boolean;
  stats: string;
  "stats-one-line": boolean;
}

export function progressFlags<T>(y: Argv<T>): Argv<T & ProgressArgs> {
  return y
    .option("progress", { alias: "P", type: "boolean", default: false, description: "Show progress during transfer" })
    .option("stats", {
      type: "string",
      default: "1m",
      description: "Interval between printing stats, e.g. 500ms, 60s, 5m (0 to disable)",
    })
    .option("stats-one-line", {
      type: "boolean",
      default: false,
      description: "Make the stats fit on one line",
    }) as Argv<T & ProgressArgs>;
}

/** Starts reporting `stats` as the flags ask; the returned function prints the final stats. */
export function progressFromArgs(stats: Stats, argv: ProgressArgs, notice = false): () => void {
  return startProgress(stats, {
    progress: argv.progress,
    intervalMs: parseDuration(argv.stats),
    oneLine: argv["stats-one-line"],
    notice,
  });
}
