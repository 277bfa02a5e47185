/**
 * One command-line flag as usage texts and the environment see it, whoever declares it (the global
 * table, a command's yargs builder, a backend's option schema), and pflag's way of listing flags.
 */
import { FsError } from "../fs/errors.js";
import { BOOLEANS } from "../fs/options.js";

export interface FlagSpec {
  /** The long name, without dashes (`max-depth`). */
  name: string;
  /** The one-letter short form (`R` for `-R`). */
  alias?: string;
  type: "boolean" | "string" | "number" | "count" | "array";
  /** The value's name in usage lines when not the type's own (`Duration`, `SizeSuffix`). */
  label?: string;
  default?: unknown;
  /** The only values it takes, when limited. */
  choices?: readonly string[];
  description: string;
}

/** Whether the flag takes a value (`--checkers 4`), as opposed to being set by its presence (`-v`). */
export function takesValue(f: FlagSpec): boolean {
  return f.type !== "boolean" && f.type !== "count";
}

const LABELS: Record<FlagSpec["type"], string> = {
  boolean: "",
  string: "string",
  number: "int",
  count: "count",
  array: "stringArray",
};

/** ` (default …)` as pflag prints it: nothing for a zero value, strings quoted. */
function defaultNote(f: FlagSpec): string {
  const d = f.default;
  if (d === undefined || d === false || d === 0 || d === "" || d === "0s" || (Array.isArray(d) && d.length === 0)) {
    return "";
  }
  const shown = typeof d === "string" && f.label === undefined ? JSON.stringify(d) : String(d);
  return ` (default ${shown})`;
}

/**
 * pflag's listing, sorted by name: `  -R, --recursive   text` / `      --max-depth int   text (default -1)`,
 * descriptions aligned three spaces after the longest flag.
 */
export function flagUsageLines(flags: readonly FlagSpec[]): string[] {
  const rows = [...flags]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      const label = f.label ?? LABELS[f.type];
      const head = `  ${f.alias ? `-${f.alias}, ` : "    "}--${f.name}${label ? ` ${label}` : ""}`;
      return [head, `${f.description}${defaultNote(f)}`] as const;
    });
  const width = Math.max(0, ...rows.map(([head]) => head.length));
  return rows.map(([head, text]) => `${head.padEnd(width)}   ${text}`);
}

/** rclone's RCLONE_<FLAG> naming: `--log-level` is `STRATA_LOG_LEVEL`. */
export function envName(flag: string): string {
  return `STRATA_${flag.toUpperCase().replaceAll("-", "_")}`;
}

/**
 * A flag value given as text (on the command line after `=`, or in the environment) as the flag's
 * type. Throws `Usage` with rclone's `invalid argument "x" for "--flag" flag` when it does not parse.
 */
export function parseFlagValue(f: FlagSpec, text: string): unknown {
  const bad = (why: string) => new FsError("Usage", `invalid argument "${text}" for "--${f.name}" flag: ${why}`);
  switch (f.type) {
    case "boolean": {
      const value = BOOLEANS[text];
      if (value === undefined) throw bad(`parsing "${text}": invalid syntax`);
      return value;
    }
    case "number":
    case "count":
      if (!/^[+-]?\d+$/.test(text)) throw bad(`parsing "${text}": invalid syntax`);
      return Number(text);
    case "array":
      return [text];
    default:
      if (f.choices && !f.choices.includes(text)) throw bad(`must be one of ${f.choices.join(", ")}`);
      return text;
  }
}

/** One flag whose default the environment set, for the -vv log. */
export interface EnvSetting {
  flag: string;
  variable: string;
  value: string;
}

/**
 * The default `STRATA_<FLAG>` gives the flag (flag > env > default), or undefined when the variable
 * is unset. Throws `Usage` naming the variable when its value does not parse.
 */
export function envDefault(f: FlagSpec, env: NodeJS.ProcessEnv, applied?: EnvSetting[]): unknown {
  const variable = envName(f.name);
  const text = env[variable];
  if (text === undefined) return undefined;
  try {
    const value = parseFlagValue(f, text);
    applied?.push({ flag: f.name, variable, value: text });
    return value;
  } catch (err) {
    throw new FsError(
      "Usage",
      `Invalid value when setting --${f.name} from environment variable ${variable}="${text}": ${(err as Error).message}`,
    );
  }
}
