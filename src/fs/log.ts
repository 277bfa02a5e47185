/** Logging to stderr in rclone's shape: `2006/01/02 15:04:05 LEVEL : subject: message`. */

export const LOG_LEVELS = ["ERROR", "NOTICE", "INFO", "DEBUG"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

let threshold = 1;
let jsonLog = false;
let sink: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

export function setLogLevel(level: LogLevel): void {
  threshold = LOG_LEVELS.indexOf(level);
}

export function setJsonLog(on: boolean): void {
  jsonLog = on;
}

/** Redirects log lines (tests capture them). */
export function setLogSink(fn: (line: string) => void): void {
  sink = fn;
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function emit(level: LogLevel, subject: string | undefined, message: string): void {
  if (LOG_LEVELS.indexOf(level) > threshold) return;
  const now = new Date();
  if (jsonLog) {
    sink(JSON.stringify({ level: level.toLowerCase(), msg: message, object: subject, time: now.toISOString() }));
    return;
  }
  sink(`${stamp(now)} ${level.padEnd(6)}: ${subject ? `${subject}: ` : ""}${message}`);
}

export const log = {
  error: (subject: string | undefined, message: string) => emit("ERROR", subject, message),
  notice: (subject: string | undefined, message: string) => emit("NOTICE", subject, message),
  info: (subject: string | undefined, message: string) => emit("INFO", subject, message),
  debug: (subject: string | undefined, message: string) => emit("DEBUG", subject, message),
};
