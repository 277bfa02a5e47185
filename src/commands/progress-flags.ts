/** -P/--progress, --stats and --stats-one-line (global flags), turned into progress reporting. */
import type { Argv } from "yargs";
import { startProgress } from "../fs/accounting/progress.js";
import type { Stats } from "../fs/accounting/stats.js";
import { parseDuration } from "../fs/units.js";
import type { GlobalArgs } from "./global-flags.js";

export type ProgressArgs = Pick<GlobalArgs, "progress" | "stats" | "stats-one-line">;

/**
 * Types a builder's arguments with the progress flags. The flags themselves are global (every
 * command accepts them, global-flags.ts declares them), so this declares nothing.
 */
export function progressFlags<T>(y: Argv<T>): Argv<T & ProgressArgs> {
  return y as Argv<T & ProgressArgs>;
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
