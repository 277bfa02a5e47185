/**
 * Line input for interactive commands (`config`, the config password): lines read from stdin as a
 * terminal delivers them, and passwords read with echo off.
 */
import { FsError } from "../fs/errors.js";

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";

/** Reads answers from `input`, writing prompts to `output`. */
export class Prompter {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending = "";

  constructor(
    private readonly input: NodeJS.ReadStream = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stdout,
  ) {
    this.chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  }

  /** Writes text as is (prompts end without a line break). */
  print(text: string): void {
    this.output.write(text);
  }

  /**
   * Prints `prompt`, then reads one line without its line end and surrounding white space.
   * Throws `Usage` when input ends first (rclone's "Failed to read line: EOF").
   */
  async line(prompt: string): Promise<string> {
    this.print(prompt);
    return (await this.rawLine()).trim();
  }

  /**
   * Prints `prompt`, then reads one line with echo off where the input is a terminal, and ends the
   * prompt's line itself since the terminal shows nothing of what was typed.
   */
  async password(prompt: string): Promise<string> {
    const tty = this.input.isTTY === true;
    // Echo goes off before the prompt shows, so nothing typed as soon as it appears is echoed.
    if (tty) this.input.setRawMode(true);
    this.print(prompt);
    try {
      return await this.rawLine(tty);
    } finally {
      if (tty) {
        this.input.setRawMode(false);
        this.print("\n");
      }
    }
  }

  /** Lets the process exit: stops reading the input. */
  close(): void {
    void this.chunks.return?.();
    this.input.pause();
  }

  /**
   * One line. In raw mode the terminal does no line editing, so Enter arrives as `\r`, erase keys
   * as DEL or BS, and Ctrl-C or Ctrl-D as a byte (which aborts) rather than a signal.
   */
  private async rawLine(raw = false): Promise<string> {
    for (;;) {
      if (raw && (this.pending.includes(CTRL_C) || this.pending.includes(CTRL_D))) {
        throw new FsError("Usage", "interrupted");
      }
      const end = raw ? this.pending.search(/[\r\n]/) : this.pending.indexOf("\n");
      if (end >= 0) {
        const line = this.pending.slice(0, end);
        this.pending = this.pending.slice(end + (this.pending.startsWith("\r\n", end) ? 2 : 1));
        return raw ? edited(line) : line.replace(/\r$/, "");
      }
      const next = await this.chunks.next();
      if (next.done) throw new FsError("Usage", "failed to read line: EOF");
      this.pending += next.value.toString("utf8");
    }
  }
}

/** What a raw-mode line says once its erase keys are applied. */
function edited(typed: string): string {
  const out: string[] = [];
  for (const c of typed) {
    if (c === "\u007f" || c === "\b") out.pop();
    else out.push(c);
  }
  return out.join("");
}
