/**
 * rclone's filter globs, translated the way rclone 1.60 translates them.
 *
 * A glob becomes a Go regexp (kept as text so it can be compared with `rclone --dump filters`), which
 * `go-regexp.ts` then compiles for JS. The rules, as rclone applies them:
 * - `*` is any run of characters except `/`, `**` any run including `/`, `***` is an error; `?` is one
 *   character except `/`.
 * - `[...]` is handed to the regexp engine untouched, so it follows Go's class syntax: `[^a]` negates,
 *   `[!a]` is the class of `!` and `a` (not a negation), `[[:alpha:]]` and `\d` work.
 * - `{a,b}` is an alternation whose branches may hold any glob syntax except another `{`; `{{re}}` embeds
 *   a Go regexp verbatim.
 * - `\x` passes `\x` to the regexp: `\*` is a literal star, `\d` a digit.
 * - A leading `/` anchors at the root; otherwise the glob may match the tail of the path after any `/`.
 * - `.`, `+`, `(`, `)`, `|`, `^`, `$` are literal.
 */
import { FsError } from "../errors.js";
import { compileGoRegexp, GoRegexpError } from "./go-regexp.js";

const usage = (message: string) => new FsError("Usage", message);

/**
 * The Go regexp rclone builds for `glob`, character for character (`(?i)` first when `ignoreCase`).
 * Throws `Usage` for the globs rclone rejects (too many stars, unbalanced `[`, `{`, `{{`).
 */
export function globToRegexpSource(glob: string, ignoreCase = false): string {
  let re = ignoreCase ? "(?i)" : "";
  let rest = glob;
  if (rest.startsWith("/")) {
    rest = rest.slice(1);
    re += "^";
  } else {
    re += "(^|/)";
  }
  let stars = 0;
  const flushStars = () => {
    if (stars === 1) re += "[^/]*";
    else if (stars === 2) re += ".*";
    else if (stars > 2) throw usage(`too many stars in ${JSON.stringify(rest)}`);
    stars = 0;
  };
  const replaceLast = (c: string) => {
    re = re.slice(0, -1) + c;
  };
  let inBraces = false;
  let bracketDepth = 0;
  let escaped = false;
  let inRegexp = false; // between {{ and }}
  let regexpClosing = false; // just saw }}: a further } extends the regexp
  let prev = "";
  for (const c of rest) {
    const before = prev;
    prev = c;
    if (escaped) {
      re += c;
      escaped = false;
      continue;
    }
    if (regexpClosing) {
      if (c === "}") {
        // `}}}`: the regexp ends at the last pair, so the earlier `}` belongs to it.
        replaceLast("}");
        re += ")";
        continue;
      }
      regexpClosing = false;
    }
    if (inRegexp) {
      if (c === "}" && before === "}") {
        inRegexp = false;
        regexpClosing = true;
        replaceLast(")");
      } else {
        re += c;
      }
      continue;
    }
    if (c !== "*") flushStars();
    if (bracketDepth > 0) {
      re += c;
      if (c === "[") bracketDepth++;
      if (c === "]") bracketDepth--;
      continue;
    }
    switch (c) {
      case "\\":
        re += c;
        escaped = true;
        break;
      case "*":
        stars++;
        break;
      case "?":
        re += "[^/]";
        break;
      case "[":
        re += c;
        bracketDepth++;
        break;
      case "]":
        throw usage(`mismatched ']' in glob ${JSON.stringify(rest)}`);
      case "{":
        if (!inBraces) {
          inBraces = true;
          re += "(";
        } else if (before === "{") {
          inRegexp = true;
          inBraces = false;
        } else {
          throw usage(`can't nest '{' '}' in glob ${JSON.stringify(rest)}`);
        }
        break;
      case "}":
        if (!inBraces) throw usage(`mismatched '{' and '}' in glob ${JSON.stringify(rest)}`);
        re += ")";
        inBraces = false;
        break;
      case ",":
        re += inBraces ? "|" : c;
        break;
      case ".":
      case "+":
      case "(":
      case ")":
      case "|":
      case "^":
      case "$":
        re += `\\${c}`;
        break;
      default:
        re += c;
    }
  }
  flushStars();
  if (bracketDepth > 0) throw usage(`mismatched '[' and ']' in glob ${JSON.stringify(rest)}`);
  if (inBraces) throw usage(`mismatched '{' and '}' in glob ${JSON.stringify(rest)}`);
  if (inRegexp) throw usage(`mismatched '{{' and '}}' in glob ${JSON.stringify(rest)}`);
  return `${re}$`;
}

/** A compiled glob: the Go regexp text rclone would show and the JS RegExp that matches the same paths. */
export interface CompiledGlob {
  source: string;
  regexp: RegExp;
}

/** Compiles a Go regexp produced from `glob`, reporting failures as rclone does (`Usage`). */
export function compileRegexpSource(source: string, glob: string): RegExp {
  try {
    return compileGoRegexp(source);
  } catch (err) {
    if (err instanceof GoRegexpError) {
      throw new FsError(
        "Usage",
        `bad glob pattern ${JSON.stringify(glob)} (regexp ${JSON.stringify(source)}): ${err.message}`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

/**
 * Translates a glob to a RegExp matched against a whole remote path (no leading `/`; directories are
 * matched with a trailing `/`). Throws `Usage` naming the glob when it is malformed.
 */
export function globToRegExp(glob: string, ignoreCase = false): RegExp {
  return compileGlob(glob, ignoreCase).regexp;
}

/** Like `globToRegExp`, also returning the Go regexp text. */
export function compileGlob(glob: string, ignoreCase = false): CompiledGlob {
  const source = globToRegexpSource(glob, ignoreCase);
  return { source, regexp: compileRegexpSource(source, glob) };
}

// Braces holding `/` or `**`, or an embedded regexp, defeat the directory analysis.
const TOO_HARD = /(\{[^{}]*(\*\*|\/)[^{}]*\})|\{\{|\}\}/;

/**
 * The directory globs implied by a file glob: matched against `dir/`, they answer "could this glob match
 * something inside dir?". rclone adds them as directory rules for include globs, which is how
 * `--include /a/**` avoids descending into `b/`. Globs too complex to analyse give `["/**"]` (any directory).
 */
export function globToDirGlobs(glob: string): string[] {
  if (TOO_HARD.test(glob)) return ["/**"];
  let rest = glob.replace(/\/{2,}/g, "/");
  const out: string[] = [];
  for (;;) {
    let i = rest.lastIndexOf("/");
    const j = rest.lastIndexOf("**");
    let what = "";
    if (j > i) {
      i = j;
      what = "**";
    }
    if (i < 0) {
      if (out.length === 0) out.push("/**");
      break;
    }
    rest = rest.slice(0, i);
    const dirGlob = `${rest}${what}/`;
    if (out.length === 0 || out[out.length - 1] !== dirGlob) out.push(dirGlob);
  }
  return out;
}
