/**
 * Reads a command line the way rclone's flag parser (pflag) does, to find what yargs would not say in
 * rclone's words: an unknown flag, a flag without its value, a value that does not parse, and which
 * words are positional. Everything after `--` is positional.
 */
import { FsError } from "../fs/errors.js";
import { type FlagSpec, parseFlagValue, takesValue } from "./flag-spec.js";

export interface Scanned {
  positionals: string[];
  /** Long names of the flags given (`-h` counts as `help`). */
  given: Set<string>;
}

interface FlagIndex {
  long: Map<string, FlagSpec>;
  short: Map<string, FlagSpec>;
}

function index(flags: readonly FlagSpec[]): FlagIndex {
  const long = new Map<string, FlagSpec>();
  const short = new Map<string, FlagSpec>();
  for (const f of flags) {
    long.set(f.name, f);
    if (f.alias) short.set(f.alias, f);
  }
  return { long, short };
}

const usage = (message: string) => new FsError("Usage", message);

function checkValue(f: FlagSpec, value: string | undefined): void {
  if (value !== undefined && f.type !== "array" && (f.type !== "string" || f.choices)) parseFlagValue(f, value);
}

/**
 * Scans `args` against the flags a command knows. Throws `Usage` with pflag's message for an unknown
 * flag (`unknown flag: --bogus`, `unknown shorthand flag: 'x' in -x`), a missing value (`flag needs
 * an argument: --checkers`) or a bad one (`invalid argument "abc" for "--checkers" flag: …`).
 */
export function scanArgs(args: readonly string[], flags: readonly FlagSpec[]): Scanned {
  const { long, short } = index(flags);
  const positionals: string[] = [];
  const given = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = long.get(name);
      if (!f) throw usage(`unknown flag: --${name}`);
      given.add(f.name);
      let value = eq < 0 ? undefined : a.slice(eq + 1);
      if (value === undefined && takesValue(f)) {
        if (i + 1 >= args.length) throw usage(`flag needs an argument: --${name}`);
        value = args[++i];
      }
      checkValue(f, value);
    } else if (a.startsWith("-") && a !== "-") {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        const f = short.get(c);
        if (!f) throw usage(`unknown shorthand flag: '${c}' in ${a}`);
        given.add(f.name);
        if (!takesValue(f)) continue;
        let value = a.slice(j + 1).replace(/^=/, "");
        if (value === "") {
          if (i + 1 >= args.length) throw usage(`flag needs an argument: '${c}' in -${c}`);
          value = args[++i] as string;
        }
        checkValue(f, value);
        break;
      }
    } else positionals.push(a);
  }
  return { positionals, given };
}

/**
 * The positional words as cobra finds the command before it knows the command's flags: a known flag
 * that takes a value takes the next word, and so does an unknown `--flag` without `=`.
 */
export function leadingPositionals(args: readonly string[], flags: readonly FlagSpec[]): string[] {
  const { long, short } = index(flags);
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") return [...positionals, ...args.slice(i + 1)];
    if (a.startsWith("--")) {
      const f = long.get(a.slice(2));
      if (!a.includes("=") && (!f || takesValue(f))) i++;
    } else if (a.startsWith("-") && a !== "-") {
      const f = short.get(a.slice(-1));
      if (a.length === 2 && f && takesValue(f)) i++;
    } else positionals.push(a);
  }
  return positionals;
}
