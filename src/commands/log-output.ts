/**
 * Where the CLI's log goes: stderr, or with `--log-file` that file (appended to, as rclone does),
 * as text lines or with `--use-json-log` JSON objects. The final error line goes the same way.
 */
import { openSync, writeSync } from "node:fs";
import { FsError } from "../fs/errors.js";
import { formatJsonLogLine, formatLogLine, type LogSink } from "../fs/log.js";

export interface LogOutput {
  sink: LogSink;
  /** Writes text that is not a log entry (the final `Failed to …` line). */
  write: (text: string) => void;
}

/** The log output the flags ask for. Throws `Usage` when the log file cannot be opened. */
export function openLogOutput(file: string | undefined, json: boolean): LogOutput {
  let write: (text: string) => void = (text) => process.stderr.write(text);
  if (file !== undefined && file !== "") {
    let fd: number;
    try {
      fd = openSync(file, "a", 0o640);
    } catch (err) {
      throw new FsError("Usage", `Failed to open log file: ${(err as Error).message}`, { cause: err });
    }
    // Written synchronously, so lines keep their order and none is lost when the process exits.
    write = (text) => writeSync(fd, text);
  }
  const format = json ? formatJsonLogLine : formatLogLine;
  return { sink: (entry) => write(`${format(entry)}\n`), write };
}
