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
}

/** Starts reporting; the returned function stops it and prints the final stats. */
export function startProgress(stats: Stats, o: ProgressOptions): () => void {
  const out = o.out ?? process.stdout;
  const tty = Boolean(out.isTTY) && o.progress;
  let drawn = 0;
  const render = (final: boolean) => (o.oneLine ? stats.oneLine() : stats.summary(!final));
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
      ? setInterval(
          () =>
            tty
              ? draw(false)
              : o.progress
                ? out.write(`${render(false)}\n\n`)
                : log.info(undefined, `\n${render(false)}\n`),
          every,
        )
      : undefined;
  timer?.unref();
  return () => {
    if (timer) clearInterval(timer);
    if (tty) draw(true);
    else if (o.progress) out.write(`${render(true)}\n`);
    else log.info(undefined, `\n${render(true)}\n`);
  };
}
