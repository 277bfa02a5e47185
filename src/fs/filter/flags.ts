/** rclone's filter flags for yargs, and their conversion to `FilterOptions`. */
import type { Argv } from "yargs";
import { FsError } from "../errors.js";
import { parseDuration, parseSize } from "../units.js";
import type { FilterOptions } from "./filter.js";

/** The filter flags as yargs hands them over (dashed names). */
export interface FilterArgs {
  "delete-excluded"?: boolean;
  filter?: string[];
  "filter-from"?: string[];
  exclude?: string[];
  "exclude-from"?: string[];
  "exclude-if-present"?: string[];
  include?: string[];
  "include-from"?: string[];
  "files-from"?: string[];
  "files-from-raw"?: string[];
  "min-age"?: string;
  "max-age"?: string;
  "min-size"?: string;
  "max-size"?: string;
  "ignore-case"?: boolean;
}

/** Flags that take a value, with their one-letter aliases. */
export const FILTER_VALUE_FLAGS: readonly string[] = [
  "--filter",
  "-f",
  "--filter-from",
  "--exclude",
  "--exclude-from",
  "--exclude-if-present",
  "--include",
  "--include-from",
  "--files-from",
  "--files-from-raw",
  "--min-age",
  "--max-age",
  "--min-size",
  "--max-size",
];

const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);
/** A single-valued flag given twice keeps the last value, as pflag does. */
const last = (v: unknown): string | undefined => list(v).at(-1);

/**
 * Adds rclone's filter flags. Rule flags are repeatable, one value per occurrence (never greedy, so a
 * positional after `--include x` stays positional). yargs reads a value starting with `-` as a flag, so
 * `--filter "- *"` needs `attachFilterValues` on the raw arguments first.
 */
export function filterFlags<T>(y: Argv<T>): Argv<T & FilterArgs> {
  const repeatable = (description: string) =>
    ({ type: "string", coerce: list, description, group: "Filter Flags:" }) as const;
  const single = (description: string) =>
    ({ type: "string", coerce: last, description, group: "Filter Flags:" }) as const;
  return y
    .option("delete-excluded", {
      type: "boolean",
      default: false,
      description: "Delete files on dest excluded from sync",
      group: "Filter Flags:",
    })
    .option("filter", { alias: "f", ...repeatable("Add a file-filtering rule") })
    .option("filter-from", repeatable("Read filtering patterns from a file (use - to read from stdin)"))
    .option("exclude", repeatable("Exclude files matching pattern"))
    .option("exclude-from", repeatable("Read exclude patterns from file (use - to read from stdin)"))
    .option("exclude-if-present", repeatable("Exclude directories if filename is present"))
    .option("include", repeatable("Include files matching pattern"))
    .option("include-from", repeatable("Read include patterns from file (use - to read from stdin)"))
    .option("files-from", repeatable("Read list of source-file names from file (use - to read from stdin)"))
    .option(
      "files-from-raw",
      repeatable("Read list of source-file names from file without any processing of lines (use - to read from stdin)"),
    )
    .option("min-age", single("Only transfer files older than this in s or suffix ms|s|m|h|d|w|M|y"))
    .option("max-age", single("Only transfer files younger than this in s or suffix ms|s|m|h|d|w|M|y"))
    .option("min-size", single("Only transfer files bigger than this in KiB or suffix B|K|M|G|T|P"))
    .option("max-size", single("Only transfer files smaller than this in KiB or suffix B|K|M|G|T|P"))
    .option("ignore-case", {
      type: "boolean",
      default: false,
      description: "Ignore case in filters (case insensitive)",
      group: "Filter Flags:",
    }) as unknown as Argv<T & FilterArgs>;
}

/**
 * Rewrites `--include x` / `-f x` as `--include=x` / `--filter=x` so values that start with `-` (`- *.bak`)
 * reach yargs intact, as pflag takes the next argument whatever it is. Stops at `--`.
 */
export function attachFilterValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (FILTER_VALUE_FLAGS.includes(arg) && i + 1 < args.length) {
      out.push(`${arg === "-f" ? "--filter" : arg}=${args[i + 1]}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:([T ])(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d+))?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * Parses an absolute time as rclone accepts one for an age: RFC 3339, `2006-01-02T15:04:05`,
 * `2006-01-02 15:04:05` or `2006-01-02`, the zoneless forms in local time. Undefined if it is none.
 */
export function parseAgeDate(text: string): Date | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, sep, h = "0", mi = "0", s = "0", fraction = "", zone] = m;
  if (sep === " " && zone !== undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const ms = fraction === "" ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000);
  if (zone !== undefined) {
    const offset =
      zone === "Z" ? 0 : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    const utc = new Date(Date.UTC(2000, month - 1, day, Number(h), Number(mi), Number(s), ms));
    utc.setUTCFullYear(year);
    return new Date(utc.getTime() - offset * 60_000);
  }
  const local = new Date(2000, month - 1, day, Number(h), Number(mi), Number(s), ms);
  local.setFullYear(year);
  return local;
}

function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] as number;
}

/**
 * Parses `--min-age`/`--max-age`: a duration (`parseDuration`: milliseconds, `off` is infinite) or an
 * absolute time (`parseAgeDate`). Throws `Usage` naming the value otherwise.
 */
export function parseAge(text: string): number | Date {
  try {
    return parseDuration(text);
  } catch {
    const date = parseAgeDate(text.trim());
    if (date) return date;
    throw new FsError(
      "Usage",
      `bad age "${text}": want a duration (1h30m, 2d, 1.5w) or a time (2006-01-02, 2006-01-02 15:04:05, RFC 3339)`,
    );
  }
}

/** Converts parsed filter flags to `FilterOptions`. Throws `Usage` for a bad size or age. */
export function filterOptionsFromArgs(argv: FilterArgs): FilterOptions {
  const opts: FilterOptions = {
    include: list(argv.include),
    exclude: list(argv.exclude),
    filter: list(argv.filter),
    includeFrom: list(argv["include-from"]),
    excludeFrom: list(argv["exclude-from"]),
    filterFrom: list(argv["filter-from"]),
    filesFrom: list(argv["files-from"]),
    filesFromRaw: list(argv["files-from-raw"]),
    excludeIfPresent: list(argv["exclude-if-present"]),
    ignoreCase: argv["ignore-case"] ?? false,
    deleteExcluded: argv["delete-excluded"] ?? false,
  };
  const minSize = last(argv["min-size"]);
  const maxSize = last(argv["max-size"]);
  const minAge = last(argv["min-age"]);
  const maxAge = last(argv["max-age"]);
  if (minSize !== undefined) opts.minSize = parseSize(minSize);
  if (maxSize !== undefined) opts.maxSize = parseSize(maxSize);
  if (minAge !== undefined) opts.minAge = parseAge(minAge);
  if (maxAge !== undefined) opts.maxAge = parseAge(maxAge);
  return opts;
}
