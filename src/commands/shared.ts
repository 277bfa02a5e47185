/** What every command shares: global flags, the context they set up, output, errors → exit codes. */
import type { ArgumentsCamelCase, Argv } from "yargs";
import { ConfigStore } from "../fs/config.js";
import { exitCodeFor } from "../fs/errors.js";
import { LOG_LEVELS, type LogLevel, setLogLevel, setLogSink, stderrLogSink } from "../fs/log.js";
import { createContext, type FsContext, setDefaultContext } from "../fs/new-fs.js";

export interface GlobalArgs {
  verbose: number;
  quiet: boolean;
  "log-level"?: LogLevel;
  config?: string;
  "dry-run": boolean;
  "human-readable": boolean;
  "copy-links": boolean;
  "use-json-log": boolean;
  disable: string;
  "crypt-strict-names": boolean;
}

export function globalOptions<T>(y: Argv<T>): Argv<T & GlobalArgs> {
  return y
    .option("verbose", { alias: "v", type: "count", description: "Print lots more stuff (repeat for more)" })
    .option("quiet", { alias: "q", type: "boolean", default: false, description: "Print as little stuff as possible" })
    .option("log-level", { type: "string", choices: LOG_LEVELS, description: "Log level DEBUG|INFO|NOTICE|ERROR" })
    .option("config", {
      type: "string",
      description: "Config file (default $STRATA_CONFIG or ~/.config/strata/strata.json5)",
    })
    .option("dry-run", {
      alias: "n",
      type: "boolean",
      default: false,
      description: "Do a trial run with no permanent changes",
    })
    .option("human-readable", {
      type: "boolean",
      default: false,
      description: "Print numbers in a human-readable format",
    })
    .option("copy-links", {
      alias: "L",
      type: "boolean",
      default: false,
      description: "Follow symlinks and copy the pointed to item",
    })
    .option("use-json-log", { type: "boolean", default: false, description: "Use json log format" })
    .option("crypt-strict-names", {
      type: "boolean",
      default: false,
      description: "Make crypt names that cannot be decrypted an error instead of skipping them",
    })
    .option("disable", {
      type: "string",
      default: "",
      description: "Disable a comma separated list of features (e.g. copy,move) to force the fallbacks",
    }) as unknown as Argv<T & GlobalArgs>;
}

let context: FsContext | undefined;

/** Applies global flags: log level, config file, backend flags. Runs before every command. */
export async function setup(argv: GlobalArgs & { _: (string | number)[] }): Promise<void> {
  // Named before anything can fail, so a bad config file is reported against the command.
  commandName = argv._.join(" ");
  const level: LogLevel =
    argv["log-level"] ?? (argv.quiet ? "ERROR" : argv.verbose >= 2 ? "DEBUG" : argv.verbose === 1 ? "INFO" : "NOTICE");
  setLogLevel(level);
  showStacks = level === "DEBUG";
  setLogSink(stderrLogSink(argv["use-json-log"]));
  const config = await ConfigStore.load(argv.config);
  const flags: FsContext["flags"] = argv["copy-links"] ? { local: { copy_links: "true" } } : {};
  if (argv["crypt-strict-names"]) flags.crypt = { strict_names: "true" };
  const disabled = argv.disable.split(",").filter((d) => d !== "");
  context = createContext(config, process.env, flags, disabled);
  setDefaultContext(context);
}

/** The context `setup` made. */
export function ctx(): FsContext {
  if (!context) throw new Error("setup() has not run");
  return context;
}

/** Buffered stdout: listings write many short lines. */
export class Output {
  private buf: string[] = [];
  private size = 0;
  line(s: string): void {
    this.write(`${s}\n`);
  }
  write(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1 << 16) this.flushSync();
  }
  private flushSync(): void {
    if (this.buf.length === 0) return;
    process.stdout.write(this.buf.join(""));
    this.buf = [];
    this.size = 0;
  }
  /** Writes what is left and waits until stdout has taken it. */
  async end(): Promise<void> {
    const text = this.buf.join("");
    this.buf = [];
    this.size = 0;
    if (text === "") return;
    await new Promise<void>((resolve) => {
      if (process.stdout.write(text)) resolve();
      else process.stdout.once("drain", resolve);
    });
  }
}

let commandName = "";
/** At -vv a failure is followed by its stack and causes, for debugging. */
let showStacks = false;

/** Wraps a command handler: errors are logged rclone's way and become the exit code. */
export function run<A>(name: string, handler: (argv: ArgumentsCamelCase<A>) => Promise<void>) {
  return async (argv: ArgumentsCamelCase<A>): Promise<void> => {
    commandName = name;
    try {
      await handler(argv);
    } catch (err) {
      fail(err);
    }
  };
}

/**
 * Reports a failure the way rclone does, on one line (`Failed to <command>: <message>`), followed
 * by the stack and the chain of causes only at -vv, and sets the exit code from the error.
 */
export function fail(err: unknown): void {
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " ");
  const doing = commandName === "" ? "Failed" : `Failed to ${commandName}`;
  process.stderr.write(`${stamp(new Date())} ${doing}: ${message}\n`);
  if (showStacks) process.stderr.write(stacksOf(err));
  process.exitCode = exitCodeFor(err);
}

function stacksOf(err: unknown): string {
  let out = "";
  for (let e = err, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    out += `${depth === 0 ? "" : "Caused by: "}${e.stack ?? e.message}\n`;
  }
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function stamp(d: Date): string {
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `2006-01-02 15:04:05` in local time, with `fraction` digits of sub-second (0, 3 or 9). */
export function formatTime(d: Date, fraction: 0 | 9 = 0): string {
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return fraction === 0 ? base : `${base}.${pad(d.getMilliseconds(), 3)}000000`;
}

/** RFC 3339 with nanoseconds and the local offset, as rclone's lsjson prints modtimes. */
export function formatRfc3339(d: Date): string {
  const off = -d.getTimezoneOffset();
  const zone =
    off === 0 ? "Z" : `${off > 0 ? "+" : "-"}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${formatTime(d).replace(" ", "T")}.${pad(d.getMilliseconds(), 3)}000000${zone}`;
}
