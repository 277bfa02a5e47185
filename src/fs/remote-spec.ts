/**
 * Remotes given as typed objects instead of strings:
 *
 *   newFs({ type: "crypt", remote: "/data", password: obscure("hunter2") })
 *
 * is the on-the-fly remote `:crypt,remote=/data,password=…:`. Option names are the type's (rclone's
 * snake_case names); values are typed (`chunk_size: 1 << 20` bytes, `no_data_encryption: true`) or
 * in the string forms a config file takes (`chunk_size: "1M"`), and `obscured` options (passwords)
 * are obscured, as in a config file, a connection string and rclone.conf.
 */
import type { AliasOptions } from "../backends/alias/index.js";
import type { LocalOptions } from "../backends/local/index.js";
import type { S3Options } from "../backends/s3/index.js";
import type { SftpOptions } from "../backends/sftp/index.js";
import type { WebdavOptions } from "../backends/webdav/index.js";
import type { ChunkerOptions } from "../overlays/chunker/index.js";
import type { CompressOptions } from "../overlays/compress/index.js";
import type { CryptOptions } from "../overlays/crypt/index.js";
import type { ErasureOptions } from "../overlays/erasure/index.js";
import { formatRemote, type ParsedRemote } from "./fspath.js";

/** The options of each type, as its `create` receives them once validated and defaulted (each derived from its schema). */
export interface RemoteOptionsByType {
  alias: AliasOptions;
  local: LocalOptions;
  memory: Record<never, never>;
  s3: S3Options;
  sftp: SftpOptions;
  webdav: WebdavOptions;
  chunker: ChunkerOptions;
  compress: CompressOptions;
  crypt: CryptOptions;
  erasure: ErasureOptions;
}

/** Options as a caller gives them: any subset, each typed or in its string form. */
export type GivenOptions<O> = { [K in keyof O]?: O[K] | string };

/**
 * One remote as an object: its `type`, the `path` under it (default: its root; for `local`, a
 * directory, relative to the working directory) and its options.
 */
export type RemoteSpec = {
  [T in keyof RemoteOptionsByType]: { type: T; path?: string } & GivenOptions<RemoteOptionsByType[T]>;
}[keyof RemoteOptionsByType];

/** A remote to open as `newFs` resolves it: parsed, with option values typed or strings. */
export interface RemoteTarget extends Omit<ParsedRemote, "params"> {
  params: Record<string, unknown>;
  /** The canonical form: the cache key, and what loops are found by. */
  key: string;
}

/**
 * The target of a remote object. Its key is the connection string's when every value is a string
 * (so both forms share cached instances); a typed value keeps it apart, since `1000` bytes and the
 * string `"1000"` (KiB, as rclone reads a bare size) differ.
 */
export function targetOfSpec(spec: RemoteSpec): RemoteTarget {
  const { type, path = "", ...options } = spec as { type: string; path?: string } & Record<string, unknown>;
  const params = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const values = Object.values(params);
  const key = values.every((v) => typeof v === "string")
    ? formatRemote({ type, params: params as Record<string, string>, path })
    : `:${type}${JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : 1)))}:${path}`;
  return { type, params, path, key };
}
