/**
 * Hash listings in md5sum/sha1sum format (`hash  path`), as rclone's `hashsum`, `md5sum`, `sha1sum`:
 * hashes come from the remote, or with `download` from reading the data.
 */
import { FsError, isFsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { HASH_TYPES, type HashType, hashBody, isHashType } from "../hashes.js";
import { log } from "../log.js";
import type { Body, CallOptions, FsObject } from "../types.js";
import { listTarget } from "./list.js";
import type { Target } from "./target.js";

/** rclone's display names, accepted (case-sensitively) besides the lower-case names. */
const ALIASES: Record<string, HashType> = { MD5: "md5", "SHA-1": "sha1", "SHA-256": "sha256", "CRC-32": "crc32" };

/** Hex digits of each hash type. */
const HEX_WIDTH: Record<HashType, number> = { md5: 32, sha1: 40, sha256: 64, crc32: 8 };

/**
 * Parses a hash name as rclone does: `md5`, `MD5`, `sha1`, `SHA-1`, … (lower-case names in any case,
 * display names exactly). Throws `Usage` with rclone's message for anything else.
 */
export function parseHashType(name: string): HashType {
  const lower = name.toLowerCase();
  if (isHashType(lower)) return lower;
  const alias = ALIASES[name];
  if (alias) return alias;
  throw new FsError("Usage", `unknown hash type "${name}"`);
}

/** rclone's `Supported hashes are:` list (one `  * name` line per type), each line indented by `indent`. */
export function supportedHashesHelp(indent = 0): string {
  const pad = " ".repeat(indent);
  return `${pad}Supported hashes are:\n${HASH_TYPES.map((t) => `${pad}  * ${t}\n`).join("")}`;
}

/** The column width of a hash: hex digits, or the length of its padded base64. */
export function hashWidth(type: HashType, base64 = false): number {
  const hex = HEX_WIDTH[type];
  return base64 ? Math.ceil(hex / 2 / 3) * 4 : hex;
}

/** Hex to URL-safe base64 with padding (Go's `base64.URLEncoding`), as `--base64` prints hashes. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

export interface HashSumOptions extends CallOptions {
  /** Read the data and hash it here, so any type works on any remote. */
  download?: boolean;
  /** Print URL-safe base64 instead of hex. */
  base64?: boolean;
  /** Levels to descend (negative or undefined = all). */
  maxDepth?: number;
  /** List only the files this filter includes (see `listTarget`). */
  filter?: Filter;
}

/**
 * One object's hash as rclone's `hashsum` prints it. Without `download` the remote is asked:
 * `""` when the object has no hash, and `NotImplemented` ("hash unsupported") when the remote does
 * not support `type`. With `download` the data is read through and hashed here.
 */
export async function hashSum(o: FsObject, type: HashType, options: HashSumOptions = {}): Promise<string> {
  let sum: string;
  if (options.download) {
    let body: Body;
    try {
      body = await o.open({ signal: options.signal });
    } catch (err) {
      throw wrap(err, `failed to open file ${o.remote}`);
    }
    try {
      sum = (await hashBody(body, [type])).get(type) as string;
    } catch (err) {
      throw wrap(err, "failed to copy file to hasher");
    }
  } else {
    if (!o.fs.hashes.has(type)) throw hashUnsupported();
    try {
      sum = (await o.hash(type, { signal: options.signal })) ?? "";
    } catch (err) {
      if (isFsError(err, "NotImplemented")) throw hashUnsupported();
      throw wrap(err, `failed to get hash ${type} from backend`);
    }
  }
  return options.base64 && sum !== "" ? hexToBase64(sum) : sum;
}

/**
 * Lines `hash  path` for every file under the target (the file itself for a file target), in listing
 * order, the hash right-aligned to its type's width as rclone prints it. A file whose hash fails is
 * logged at ERROR and skipped; after the last line the last such error is thrown, so callers print
 * everything that worked and still fail. Throws `DirNotFound` for a missing directory, `Usage` for a file
 * target with an active filter.
 */
export async function* hashLines(target: Target, type: HashType, options: HashSumOptions = {}): AsyncGenerator<string> {
  const width = hashWidth(type, options.base64);
  let lastError: unknown;
  for await (const e of listTarget(target, {
    maxDepth: options.maxDepth,
    filter: options.filter,
    signal: options.signal,
    filesOnly: true,
  })) {
    if (e.kind !== "file") continue;
    let sum: string;
    try {
      sum = await hashSum(e, type, options);
    } catch (err) {
      log.error(e.remote, messageOf(err));
      lastError = err;
      continue;
    }
    yield `${sum.padStart(width)}  ${e.remote}`;
  }
  if (lastError !== undefined) throw lastError;
}

/** The line for data read from a stream (stdin): `hash  -`. */
export async function hashStreamLine(body: Body, type: HashType, base64 = false): Promise<string> {
  const hex = (await hashBody(body, [type])).get(type) as string;
  const sum = base64 ? hexToBase64(hex) : hex;
  return `${sum.padStart(hashWidth(type, base64))}  -`;
}

function hashUnsupported(): FsError {
  return new FsError("NotImplemented", "hash unsupported: hash type not supported");
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Prefixes an error's message while keeping its code (and so the exit code it maps to). */
function wrap(err: unknown, what: string): unknown {
  if (!isFsError(err)) return err;
  return new FsError(err.code, `${what}: ${err.message}`, { retry: err.retry, cause: err });
}
