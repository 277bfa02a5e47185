/**
 * rclone's `lsf`: one line per entry, fields chosen by a format string and joined by a separator
 * (or written as CSV), built to be parsed by scripts.
 */
import { FsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import type { HashType } from "../hashes.js";
import { log } from "../log.js";
import { DIRECTORY_MIME, mimeTypeOf } from "../mime.js";
import type { Entry } from "../types.js";
import { listingDepth, listTarget } from "./list.js";
import type { Target } from "./target.js";

export interface LsfOptions {
  /**
   * Field letters: `p` path, `s` size, `t` modtime, `h` hash, `m` MIME type, `i` ID, `o` original ID,
   * `T` tier, `M` metadata. strata remotes have no IDs, tiers or metadata, so `i`, `o`, `T` print
   * empty and `M` prints `{}`, as rclone does for remotes without them. Default `p`.
   */
  format?: string;
  /** With `t`: the times listings give, loading none (rclone's --use-server-modtime). */
  useServerModTime?: boolean;
  /** Between fields; default `;`, or `,` with `csv`. With `csv` only its first character counts. */
  separator?: string;
  /** Append `/` to directory paths (default true). */
  dirSlash?: boolean;
  /** Put a leading `/` in front of paths. */
  absolute?: boolean;
  /** Quote fields as Go's `encoding/csv` does. */
  csv?: boolean;
  /** The hash `h` shows (default md5). */
  hashType?: HashType;
  recursive?: boolean;
  /** Levels to descend; see `listingDepth`. */
  maxDepth?: number;
  filesOnly?: boolean;
  dirsOnly?: boolean;
  /** List only what this filter includes (see `listTarget`). */
  filter?: Filter;
}

type Field = (e: Entry) => string | Promise<string>;

/** `2006-01-02 15:04:05` in local time. */
function formatModTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

async function hashField(e: Entry, type: HashType): Promise<string> {
  if (e.kind !== "file") return "";
  // As rclone's lsf: a hash that cannot be read is logged and printed empty; it does not fail the run.
  if (!e.fs.hashes.has(type)) {
    log.error(e.remote, "Failed to read hash: hash type not supported");
    return "";
  }
  try {
    return (await e.hash(type)) ?? "";
  } catch (err) {
    log.error(e.remote, `Failed to read hash: ${err instanceof Error ? err.message : String(err)}`);
    return "";
  }
}

/** Go's csv.Writer rule for when a field needs quotes. */
function needsQuotes(field: string, comma: string): boolean {
  if (field === "") return false;
  if (field === "\\.") return true;
  if (field.includes(comma) || /["\r\n]/.test(field)) return true;
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(field);
}

/** One CSV record as Go's `encoding/csv` writes it, without the line end. */
export function csvRecord(fields: string[], comma = ","): string {
  return fields.map((f) => (needsQuotes(f, comma) ? `"${f.replace(/"/g, '""')}"` : f)).join(comma);
}

/**
 * A formatter for `lsf` lines. Throws `Usage` ("unknown format character") for a letter rclone does not
 * know, and `NotImplemented` for `e` (encrypted names exist only on crypt remotes).
 */
export function lsfFormatter(options: LsfOptions = {}): (e: Entry) => Promise<string> {
  const dirSlash = options.dirSlash ?? true;
  const hashType = options.hashType ?? "md5";
  const fields: Field[] = [];
  for (const c of options.format ?? "p") {
    switch (c) {
      case "p":
        fields.push((e) => {
          let path = options.absolute && !e.remote.startsWith("/") ? `/${e.remote}` : e.remote;
          if (e.kind === "dir" && dirSlash) path += "/";
          return path;
        });
        break;
      case "s":
        fields.push((e) => String(e.kind === "file" ? e.size : -1));
        break;
      case "t":
        fields.push((e) => formatModTime(e.modTime));
        break;
      case "h":
        fields.push((e) => hashField(e, hashType));
        break;
      case "m":
        fields.push((e) => (e.kind === "file" ? mimeTypeOf(e.remote) : DIRECTORY_MIME));
        break;
      case "i":
      case "o":
      case "T":
        fields.push(() => "");
        break;
      case "M":
        fields.push(() => "{}");
        break;
      case "e":
        throw new FsError("NotImplemented", "format character 'e' needs a crypt remote");
      default:
        throw new FsError("Usage", `unknown format character '${c}'`);
    }
  }
  const separator = options.separator ?? (options.csv ? "," : ";");
  const comma = [...separator][0] ?? ",";
  return async (e) => {
    const values: string[] = [];
    for (const f of fields) values.push(await f(e));
    return options.csv ? csvRecord(values, comma) : values.join(separator);
  };
}

/**
 * `lsf` lines for the target's entries (just the file, for a file target), one directory at a time in
 * sorted order. Throws as `lsfFormatter`, `DirNotFound` for a missing directory, and `Usage` for a file
 * target with an active filter.
 */
export async function* lsf(target: Target, options: LsfOptions = {}): AsyncGenerator<string> {
  const format = lsfFormatter(options);
  const maxDepth = listingDepth(options.recursive ?? false, options.maxDepth);
  for await (const e of listTarget(target, {
    maxDepth,
    filesOnly: options.filesOnly,
    dirsOnly: options.dirsOnly,
    filter: options.filter,
    modTimes: (options.format ?? "").includes("t") ? { useServerModTime: options.useServerModTime } : undefined,
  })) {
    yield await format(e);
  }
}
