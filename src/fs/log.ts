/**
 * Logging. Messages go to one sink, none by default, so strata used as a library prints nothing
 * unless the program asks; the CLI installs `stderrLogSink` at NOTICE, as rclone logs.
 */

export const LOG_LEVELS = ["ERROR", "NOTICE", "INFO", "DEBUG"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One message: its level, what it is about (a file, a remote; undefined for none), its text and when. */
export interface LogEntry {
  level: LogLevel;
  object: string | undefined;
  message: string;
  time: Date;
}

/** Receives every message at or above the level set by `setLogLevel`. */
export type LogSink = (entry: LogEntry) => void;

let threshold: number = LOG_LEVELS.indexOf("NOTICE");
let sink: LogSink | undefined;

/** Sets the least severe level passed to the sink (default NOTICE, rclone's default). */
export function setLogLevel(level: LogLevel): void {
  threshold = LOG_LEVELS.indexOf(level);
}

/**
 * Sends messages to `fn`, or nowhere when undefined (the default). Returns the sink it replaces, so
 * a caller that redirects logs for a while can put it back.
 */
export function setLogSink(fn: LogSink | undefined): LogSink | undefined {
  const previous = sink;
  sink = fn;
  return previous;
}

/** rclone's log time stamp, `2006/01/02 15:04:05` in local time. */
export function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** rclone's text line: `2006/01/02 15:04:05 LEVEL : object: message`, in local time. */
export function formatLogLine(entry: LogEntry): string {
  const object = entry.object ? `${entry.object}: ` : "";
  return `${stamp(entry.time)} ${entry.level.padEnd(6)}: ${object}${entry.message}`;
}

/** rclone's JSON level names: logrus has no NOTICE, so rclone logs it as "warning". */
const JSON_LEVELS: Record<LogLevel, string> = { ERROR: "error", NOTICE: "warning", INFO: "info", DEBUG: "debug" };

/** RFC 3339 in local time with the offset as digits and the fraction's trailing zeros dropped, as rclone's JSON log. */
function jsonTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const off = -d.getTimezoneOffset();
  const zone = `${off < 0 ? "-" : "+"}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  const fraction = String(d.getMilliseconds()).padStart(3, "0").replace(/0+$/, "");
  return `${stamp(d).replaceAll("/", "-").replace(" ", "T")}${fraction ? `.${fraction}` : ""}${zone}`;
}

/**
 * rclone's `--use-json-log` line: `level`, `msg`, `object` and `objectType` when the message is about
 * something (strata's objects are named by strings), `source` and `time`.
 */
export function formatJsonLogLine(entry: LogEntry): string {
  return JSON.stringify({
    level: JSON_LEVELS[entry.level],
    msg: entry.message,
    ...(entry.object === undefined ? {} : { object: entry.object, objectType: "string" }),
    source: "strata",
    time: jsonTime(entry.time),
  });
}

/** A sink writing one line per message to stderr, as text or (`json`) as rclone's JSON log. */
export function stderrLogSink(json = false): LogSink {
  const format = json ? formatJsonLogLine : formatLogLine;
  return (entry) => process.stderr.write(`${format(entry)}\n`);
}

function emit(level: LogLevel, object: string | undefined, message: string): void {
  if (!sink || LOG_LEVELS.indexOf(level) > threshold) return;
  sink({ level, object, message, time: new Date() });
}

/** What strata's own code logs through; `object` names what the message is about. */
export const log = {
  error: (object: string | undefined, message: string) => emit("ERROR", object, message),
  notice: (object: string | undefined, message: string) => emit("NOTICE", object, message),
  info: (object: string | undefined, message: string) => emit("INFO", object, message),
  debug: (object: string | undefined, message: string) => emit("DEBUG", object, message),
};
