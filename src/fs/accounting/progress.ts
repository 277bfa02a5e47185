/**
 * --progress and --stats: a self-updating stats block on a terminal, periodic stats lines otherwise,
 * and the final block at the end of a run.
 */
import { log } from "../log.js";
import type { Stats } from "./stats.js";

export interface ProgressOptions {
  /** -P: show progress. */
  progress?: boolean;
  /** --stats interval in ms (0: off). */
  intervalMs?: number;
  /** --stats-one-line */
  oneLine?: boolean;
  out?: NodeJS.WriteStream;
  /** Log the stats at NOTICE rather than INFO (rclone does under --dry-run and --interactive). */
  notice?: boolean;
}

/** Starts reporting; the returned function stops it and prints the final stats. */
export function startProgress(stats: Stats, o: ProgressOptions): () => void {
  const out = o.out ?? process.stdout;
  const tty = Boolean(out.isTTY) && o.progress;
  let drawn = 0;
  // -P trims the padding, as rclone's progress does.
  const render = (final: boolean) => (o.oneLine ? stats.oneLine(!final).trim() : stats.summary(!final));
  // In the log a block starts on a line of its own and ends with a blank line; one line stays one line.
  const logStats = (final: boolean) => {
    const text = o.oneLine ? stats.oneLine(!final) : `\n${stats.summary(!final)}\n`;
    if (o.notice) log.notice(undefined, text);
    else log.info(undefined, text);
  };
  const draw = (final: boolean) => {
    const text = render(final);
    // Move up over the previous block and clear it, then draw the new one.
    const clear = drawn > 0 ? `\x1b[${drawn}A\x1b[J` : "";
    out.write(`${clear}${text}\n`);
    drawn = text.split("\n").length;
  };
  const every = o.progress ? (tty ? 500 : (o.intervalMs ?? 60_000) || 1000) : (o.intervalMs ?? 60_000);
  const timer =
    every > 0 && (o.progress || o.intervalMs)
      ? setInterval(() => (tty ? draw(false) : o.progress ? out.write(`${render(false)}\n\n`) : logStats(false)), every)
      : undefined;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
    if (tty) draw(true);
    else if (o.progress) out.write(`${render(true)}\n`);
    else logStats(true);
  };
}
