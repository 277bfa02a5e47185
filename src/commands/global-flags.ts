/**
 * rclone's global flags that strata accepts on every command (docs/cli.md says what each does), with
 * their defaults taken from `STRATA_<FLAG>` when set.
 */
import type { Argv } from "yargs";
import { LOG_LEVELS, type LogLevel } from "../fs/log.js";
import { type EnvSetting, envDefault, type FlagSpec } from "./flag-spec.js";

export interface GlobalArgs {
  verbose: number;
  quiet: boolean;
  "log-level"?: LogLevel;
  "log-file"?: string;
  "use-json-log": boolean;
  config?: string;
  "password-command"?: string;
  "ask-password": boolean;
  "dry-run": boolean;
  interactive: boolean;
  "human-readable": boolean;
  "copy-links": boolean;
  disable: string;
  checkers: number;
  transfers: number;
  "max-backlog": number;
  "list-cutoff": number;
  retries: number;
  "retries-sleep": string;
  "low-level-retries": number;
  "modify-window": string;
  progress: boolean;
  stats: string;
  "stats-one-line": boolean;
  "stats-file-name-length": number;
  timeout: string;
  contimeout: string;
  "fast-list": boolean;
  "use-server-modtime": boolean;
  dump: string;
}

/** Commands that ask before each change under `-i`; the others refuse it rather than change without asking. */
export const INTERACTIVE_COMMANDS: ReadonlySet<string> = new Set(["copy", "copyto", "move", "moveto", "sync"]);

/** Every global flag, in the shape usage texts and the environment need. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: "verbose", alias: "v", type: "count", description: "Print lots more stuff (repeat for more)" },
  { name: "quiet", alias: "q", type: "boolean", default: false, description: "Print as little stuff as possible" },
  {
    name: "log-level",
    type: "string",
    choices: LOG_LEVELS,
    description: "Log level DEBUG|INFO|NOTICE|ERROR (default NOTICE)",
  },
  { name: "log-file", type: "string", description: "Write the log (and the final error) to this file, appending" },
  { name: "use-json-log", type: "boolean", default: false, description: "Write log lines as JSON objects" },
  {
    name: "config",
    type: "string",
    description: "Config file (default $STRATA_CONFIG or ~/.config/strata/strata.json5)",
  },
  {
    name: "password-command",
    type: "string",
    description: "Command for supplying the password of an encrypted config file",
  },
  {
    name: "ask-password",
    type: "boolean",
    default: true,
    description: "Ask on the terminal for the password of an encrypted config file",
  },
  {
    name: "dry-run",
    alias: "n",
    type: "boolean",
    default: false,
    description: "Do a trial run with no permanent changes",
  },
  {
    name: "interactive",
    alias: "i",
    type: "boolean",
    default: false,
    description: "Ask before each change (copy, move and sync only)",
  },
  {
    name: "human-readable",
    type: "boolean",
    default: false,
    description: "Print numbers in a human-readable format",
  },
  {
    name: "copy-links",
    alias: "L",
    type: "boolean",
    default: false,
    description: "Follow symlinks and copy the pointed to item",
  },
  {
    name: "disable",
    type: "string",
    default: "",
    description: "Disable a comma separated list of features (e.g. copy,move) to force the fallbacks",
  },
  { name: "checkers", type: "number", default: 8, description: "Number of checkers to run in parallel" },
  { name: "transfers", type: "number", default: 4, description: "Number of file transfers to run in parallel" },
  {
    name: "max-backlog",
    type: "number",
    default: 10000,
    description: "Maximum number of objects in sync or check backlog",
  },
  {
    name: "list-cutoff",
    type: "number",
    default: 1000000,
    description: "To save memory, sort directory listings on disk above this threshold",
  },
  { name: "retries", type: "number", default: 3, description: "Retry operations this many times if they fail" },
  {
    name: "retries-sleep",
    type: "string",
    label: "Duration",
    default: "0s",
    description: "Time to wait between retries of a whole run, e.g. 500ms, 60s, 5m",
  },
  { name: "low-level-retries", type: "number", default: 10, description: "Number of low level retries to do" },
  {
    name: "modify-window",
    type: "string",
    label: "Duration",
    default: "1ns",
    description: "Largest modtime difference still counted as the same time",
  },
  { name: "progress", alias: "P", type: "boolean", default: false, description: "Show progress during transfer" },
  {
    name: "stats",
    type: "string",
    label: "Duration",
    default: "1m",
    description: "Interval between printing stats, e.g. 500ms, 60s, 5m (0 to disable)",
  },
  { name: "stats-one-line", type: "boolean", default: false, description: "Make the stats fit on one line" },
  {
    name: "stats-file-name-length",
    type: "number",
    default: 45,
    description: "Longest file name shown in stats (accepted for rclone compatibility, no effect)",
  },
  {
    name: "timeout",
    type: "string",
    label: "Duration",
    default: "5m",
    description: "IO idle timeout",
  },
  {
    name: "contimeout",
    type: "string",
    label: "Duration",
    default: "1m",
    description: "Connect timeout",
  },
  {
    name: "fast-list",
    type: "boolean",
    default: false,
    description: "Use recursive list if available (accepted for rclone compatibility, no effect)",
  },
  {
    name: "use-server-modtime",
    type: "boolean",
    default: false,
    description: "Use server modified time instead of object metadata",
  },
  {
    name: "dump",
    type: "string",
    label: "DumpFlags",
    default: "",
    description: "Items to dump: headers,bodies,... (accepted for rclone compatibility, no effect)",
  },
];

/**
 * Registers the global flags on the root parser (yargs gives them to every command), each with the
 * default `STRATA_<FLAG>` sets, recording those in `applied`. Throws `Usage` for an environment value
 * that does not parse.
 */
export function globalOptions<T>(y: Argv<T>, env: NodeJS.ProcessEnv, applied: EnvSetting[]): Argv<T & GlobalArgs> {
  let out: Argv<T> = y;
  for (const f of GLOBAL_FLAGS) {
    const fromEnv = envDefault(f, env, applied);
    out = out.option(f.name, {
      alias: f.alias,
      type: f.type,
      default: fromEnv ?? f.default,
      description: f.description,
      choices: f.choices,
    });
  }
  return out as Argv<T & GlobalArgs>;
}
