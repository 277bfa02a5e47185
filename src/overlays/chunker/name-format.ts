/**
 * Chunk names of the chunker (spec §3): validating `name_format`, making data, control and temporary
 * names, and recognising them with the regex rclone builds. Pure: no Fs import.
 */
import { legacyTxnId } from "./txn.js";

/** Why `name_format` is refused, in rclone's words, or undefined when it is valid (spec §3.1). */
export function nameFormatError(pattern: string): string | undefined {
  const why = (s: string) => `invalid name format '${pattern}': ${s}`;
  if (pattern.split("*").length !== 2) return why("pattern must have exactly one asterisk (*)");
  const first = pattern.indexOf("#");
  if (first < 0) return why("pattern must have a hash character (#)");
  if (pattern.indexOf("*") > first) return why("asterisk (*) in pattern must come before hashes (#)");
  if (!/^[^#]*#+[^#]*$/.test(pattern)) return why("hashes (#) in pattern must be consecutive");
  if (pattern.includes("/")) return why("directory separator prohibited");
  if (!pattern.startsWith("*")) return why("pattern must start with asterisk");
  return undefined;
}

/** A name recognised as a chunk of `parent` (the base name only; the directory is the chunk's). */
export interface ParsedChunk {
  parent: string;
  /** 0-based data chunk index; undefined for a control chunk. */
  index?: number;
  /** Control chunk type (`^[a-z][a-z0-9]{2,6}$`); undefined for a data chunk. */
  control?: string;
  /** Transaction id of a temporary chunk ("" for a final name); legacy ids already converted. */
  txn: string;
}

const CONTROL_TYPE = /^[a-z][a-z0-9]{2,6}$/;
/** Go's regexp.QuoteMeta set. */
const quoteMeta = (s: string) => s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");

/** Makes and parses chunk names for one `name_format` and `start_from`. */
export class ChunkNamer {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly digits: number;
  private readonly regex: RegExp;

  /** Throws Error with rclone's message when `pattern` is invalid (see `nameFormatError`). */
  constructor(
    readonly pattern: string,
    readonly startFrom: number,
  ) {
    const err = nameFormatError(pattern);
    if (err) throw new Error(err);
    const run = /#+/.exec(pattern) as RegExpExecArray;
    this.digits = run[0].length;
    // The pattern starts with "*", so the parent name is followed by the text up to the "#" run.
    this.prefix = pattern.slice(1, run.index);
    this.suffix = pattern.slice(run.index + this.digits);
    const number = this.digits === 1 ? "[0-9]+" : `[0-9]{${this.digits},}`;
    // Go's "." excludes only "\n" (JS's also excludes "\r" and U+2028/9), so spell it out.
    const body = quoteMeta(pattern).replace(/#+/, `(?:(${number})|_([a-z][a-z0-9]{2,6}))`).replace("\\*", "([^\\n]+?)");
    this.regex = new RegExp(`^${body}(?:_([0-9a-z]{4,9})|\\.\\.tmp_([0-9]{10,13}))?$`);
  }

  /** The name of data chunk `index` (0-based) of `base`, temporary when `txn` is given. */
  dataName(base: string, index: number, txn = ""): string {
    const n = String(index + this.startFrom).padStart(this.digits, "0");
    return `${base}${this.prefix}${n}${this.suffix}${txn ? `_${txn}` : ""}`;
  }

  /** The name of control chunk `type` of `base`. Throws Error for a type rclone would refuse. */
  controlName(base: string, type: string, txn = ""): string {
    if (!CONTROL_TYPE.test(type)) throw new Error(`invalid control chunk type "${type}"`);
    return `${base}${this.prefix}_${type}${this.suffix}${txn ? `_${txn}` : ""}`;
  }

  /**
   * Recognises a chunk name (the last path segment). Undefined for anything else, including a data
   * chunk numbered below `start_from`, which rclone treats as an ordinary file.
   */
  parse(name: string): ParsedChunk | undefined {
    const m = this.regex.exec(name);
    if (!m) return undefined;
    const [, parent, number, control, txn, legacy] = m as unknown as (string | undefined)[];
    const id = txn ?? (legacy !== undefined ? legacyTxnId(legacy) : "");
    if (control !== undefined) return { parent: parent as string, control, txn: id };
    const index = Number.parseInt(number as string, 10) - this.startFrom;
    if (index < 0) return undefined;
    return { parent: parent as string, index, txn: id };
  }
}
