/** What every command shares: the set-up the global flags ask for, output, errors → exit codes. */
import type { ArgumentsCamelCase } from "yargs";
import { ConfigStore } from "../fs/config.js";
import { exitCodeFor, FsError } from "../fs/errors.js";
import { type LogLevel, log, setLogLevel, setLogSink, stamp } from "../fs/log.js";
import { setNetTimeouts } from "../fs/net-timeouts.js";
import { createContext, type FsContext, setDefaultContext } from "../fs/new-fs.js";
import { versionInfo } from "../fs/operations/version.js";
import { parseDuration } from "../fs/units.js";
import type { BackendFlagValues } from "./backend-flags.js";
import { configLoadOptions } from "./config-password.js";
import type { EnvSetting } from "./flag-spec.js";
import { type GlobalArgs, INTERACTIVE_COMMANDS } from "./global-flags.js";
import { openLogOutput } from "./log-output.js";

export type { GlobalArgs } from "./global-flags.js";

let context: FsContext | undefined;

/** What cli.ts found on the command line besides the parsed flags. */
export interface SetupExtras {
  /** Backend flags (`--s3-provider`), by type. */
  backendFlags: BackendFlagValues;
  /** Flags whose default came from the environment. */
  fromEnv: readonly EnvSetting[];
  /** The command line as given, for the -vv log. */
  args: readonly string[];
}

/**
 * Applies the global flags before every command: the log (level, file, JSON), the config file, the
 * backend flags and `--disable`. At -vv it logs what rclone's does on starting.
 */
export async function setup(argv: GlobalArgs & { _: (string | number)[] }, extras: SetupExtras): Promise<void> {
  // Named before anything can fail, so a bad config file is reported against the command.
  commandName = argv._.join(" ");
  const level: LogLevel =
    argv["log-level"] ?? (argv.quiet ? "ERROR" : argv.verbose >= 2 ? "DEBUG" : argv.verbose === 1 ? "INFO" : "NOTICE");
  setLogLevel(level);
  showStacks = level === "DEBUG";
  const output = openLogOutput(argv["log-file"], argv["use-json-log"]);
  setLogSink(output.sink);
  errorOutput = output.write;
  for (const e of extras.fromEnv) {
    log.debug(
      undefined,
      `Setting --${e.flag} ${JSON.stringify(e.value)} from environment variable ${e.variable}=${JSON.stringify(e.value)}`,
    );
  }
  const params = ["strata", ...extras.args].map((a) => JSON.stringify(a)).join(" ");
  log.debug("strata", `Version "v${versionInfo().version}" starting with parameters [${params}]`);
  if (argv.interactive && !INTERACTIVE_COMMANDS.has(String(argv._[0]))) {
    throw new FsError(
      "Usage",
      `--interactive is not supported by ${commandName}: it would change things without asking`,
    );
  }
  const config = await ConfigStore.load(
    argv.config,
    process.env,
    configLoadOptions(argv["password-command"], argv["ask-password"]),
  );
  if (config.path && config.exists) log.debug(undefined, `Using config file from ${JSON.stringify(config.path)}`);
  const flags: FsContext["flags"] = { ...extras.backendFlags };
  if (argv["copy-links"]) flags.local = { ...flags.local, copy_links: "true" };
  const disabled = argv.disable.split(",").filter((d) => d !== "");
  setNetTimeouts({ connectMs: parseDuration(argv.contimeout), idleMs: parseDuration(argv.timeout) });
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
/** Where `fail` reports: stderr, or the --log-file. */
let errorOutput: (text: string) => void = (text) => process.stderr.write(text);
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
  // Before a command has started (a flag's environment value that does not parse) the message stands
  // alone, as rclone's.
  // rclone words a run that ended with several errors "Failed to copy with 3 errors: last error was: …".
  const line =
    commandName === ""
      ? message
      : `Failed to ${commandName}${/^with \d+ errors: /.test(message) ? " " : ": "}${message}`;
  errorOutput(`${stamp(new Date())} ${line}\n`);
  if (showStacks) errorOutput(stacksOf(err));
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
