/**
 * Remote strings, parsed as rclone parses them:
 *   /local/path, relative/path           a local path
 *   name:path, name:                     a configured remote
 *   :type,key=value,...:path             an on-the-fly remote
 *   name,key=value:path                  a configured remote with overridden options
 * A value holding `,` `:` or a quote is written in double (or single) quotes, the quote doubled inside;
 * a key with no `=value` means `key=true`.
 */
import { FsError } from "./errors.js";

export interface ParsedRemote {
  /** Config name; undefined for a plain local path and for on-the-fly remotes. */
  name?: string;
  /** Backend type, for on-the-fly remotes (`:type`). */
  type?: string;
  /** Options given in the string. */
  params: Record<string, string>;
  /** The path after the colon (or the whole local path). */
  path: string;
}

// rclone's remote-name characters: letters, digits, `_ - . + @` and space, not starting with `-` or space.
const NAME_RE = /^[\p{L}\p{N}_.+@][\p{L}\p{N}_.+@ -]*$/u;

/** True if `name` is acceptable as a configured remote's name. */
export function isValidRemoteName(name: string): boolean {
  return NAME_RE.test(name) && !name.endsWith(" ");
}

/** Parses a remote string. Throws `Usage` for malformed parameters. */
export function parseRemote(spec: string): ParsedRemote {
  const onTheFly = spec.startsWith(":");
  const body = onTheFly ? spec.slice(1) : spec;
  // The name ends at the first `,` or `:`; anything with `/` before it is a local path.
  const nameEnd = body.search(/[,:]/);
  if (nameEnd < 0) {
    if (onTheFly) throw usage(spec, "on-the-fly remote needs a ':' after its type");
    return { params: {}, path: spec };
  }
  const name = body.slice(0, nameEnd);
  // Without any ':' it is a local path, even with a ',' in it ("a,b" is a file, as in rclone).
  if (!onTheFly && (!isValidRemoteName(name) || name.includes("/") || !body.includes(":"))) {
    return { params: {}, path: spec };
  }
  if (onTheFly && !/^[a-z0-9_]+$/i.test(name)) throw usage(spec, `invalid backend type "${name}"`);

  const params: Record<string, string> = {};
  let i = nameEnd;
  while (body[i] === ",") {
    i++;
    const keyMatch = /^[A-Za-z0-9_-]*/.exec(body.slice(i)) as RegExpExecArray;
    const key = keyMatch[0].replaceAll("-", "_");
    i += keyMatch[0].length;
    if (key === "") throw usage(spec, "empty parameter name");
    let value = "true";
    if (body[i] === "=") {
      i++;
      const quote = body[i];
      if (quote === '"' || quote === "'") {
        value = "";
        i++;
        for (;;) {
          if (i >= body.length) throw usage(spec, `unterminated quoted value for "${key}"`);
          if (body[i] === quote) {
            if (body[i + 1] === quote) {
              value += quote;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          value += body[i++];
        }
      } else {
        const end = body.slice(i).search(/[,:]/);
        value = end < 0 ? body.slice(i) : body.slice(i, i + end);
        i += value.length;
      }
    }
    params[key] = value;
  }
  if (body[i] !== ":") throw usage(spec, `expected ',' or ':' at position ${i + (onTheFly ? 1 : 0)}`);
  const path = body.slice(i + 1);
  return onTheFly ? { type: name, params, path } : { name, params, path };
}

/** Quotes a parameter value when it holds characters the parser would split on. */
export function quoteValue(value: string): string {
  return /[,:"']/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * The remote string for `path` below the remote string `remote` (`s3:bucket` + `a/b` →
 * `s3:bucket/a/b`, `name:` + `a` → `name:a`); `remote` itself for an empty path.
 */
export function remoteBelow(remote: string, path: string): string {
  if (path === "") return remote;
  const sep = remote.endsWith(":") || remote.endsWith("/") ? "" : "/";
  return `${remote}${sep}${path}`;
}

/** The canonical string for a parsed remote (parameters sorted), used as a cache key and in messages. */
export function formatRemote(r: ParsedRemote): string {
  if (r.name === undefined && r.type === undefined) return r.path;
  const head = r.type !== undefined ? `:${r.type}` : (r.name as string);
  const params = Object.keys(r.params)
    .sort()
    .map((k) => `,${k}=${quoteValue(r.params[k] as string)}`)
    .join("");
  return `${head}${params}:${r.path}`;
}

function usage(spec: string, why: string): FsError {
  return new FsError("Usage", `bad remote string: ${why}`, { path: spec });
}
