/**
 * The chunker's `simplejson` metadata object (spec §6): the exact bytes rclone 1.60 writes, and the
 * strict parse that decides whether a small object is chunker metadata. Pure: no Fs import.
 */

/** The metadata version written without a txn; norename metadata (with `txn`) is version 2. */
export const META_VERSION = 1;
export const META_VERSION_TXN = 2;
/** Objects larger than this are never read as metadata (rclone's maxMetadataSize). */
export const MAX_META_READ = 1023;
/** Metadata is at most this long when written, and longer input is "too big" when parsed. */
export const MAX_META_WRITTEN = 255;
/** The highest chunk count rclone accepts. */
export const MAX_CHUNKS = 10_000_000;

export interface ChunkerMeta {
  ver: number;
  size: number;
  nchunks: number;
  md5?: string;
  sha1?: string;
  txn?: string;
}

/**
 * The metadata bytes for a file: Go's compact `encoding/json` with keys in rclone's order
 * (`ver`, `size`, `nchunks`, then `md5`, `sha1`, `txn` when non-empty). `ver` is 2 exactly when a
 * txn is given. Throws RangeError when the result would be 255 bytes or more, as rclone refuses it.
 */
export function marshalMeta(fields: { size: number; nchunks: number; md5?: string; sha1?: string; txn?: string }) {
  const out: Record<string, unknown> = {
    ver: fields.txn ? META_VERSION_TXN : META_VERSION,
    size: fields.size,
    nchunks: fields.nchunks,
  };
  if (fields.md5) out.md5 = fields.md5;
  if (fields.sha1) out.sha1 = fields.sha1;
  if (fields.txn) out.txn = fields.txn;
  const bytes = new TextEncoder().encode(JSON.stringify(out));
  if (bytes.length >= MAX_META_WRITTEN) throw new RangeError("metadata is too big");
  return bytes;
}

/**
 * What the strict parse decided:
 * - `valid`: chunker metadata this version understands;
 * - `unsupported`: chunker metadata, but unusable (a newer version, or a chunk count overflow);
 * - `not-metadata`: anything else (a user's file).
 */
export type MetaParse =
  | { status: "valid"; meta: ChunkerMeta }
  | { status: "unsupported"; reason: string; meta: ChunkerMeta }
  | { status: "not-metadata"; reason: string };

const INT_KEYS = ["ver", "size", "nchunks"] as const;
const STRING_KEYS = ["md5", "sha1", "txn"] as const;

/** Raw number tokens by lower-cased key, so "1.0" or "1e0" can be refused as Go refuses them for ints. */
function rawNumbers(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /"((?:[^"\\]|\\.)*)"\s*:\s*(-?[0-9][0-9.eE+-]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.set((m[1] as string).toLowerCase(), m[2] as string);
  return out;
}

/** Applies spec §6.2 to an object's bytes: is this chunker metadata, and may it be used? */
export function parseMeta(data: Uint8Array): MetaParse {
  const no = (reason: string): MetaParse => ({ status: "not-metadata", reason });
  if (data.length > MAX_META_WRITTEN) return no("too big");
  if (data.length < 2 || data[0] !== 0x7b || data[data.length - 1] !== 0x7d) return no("not a JSON object");
  const text = Buffer.from(data).toString("utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return no("invalid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return no("not a JSON object");
  // Go matches keys case-insensitively; for duplicates, the last one in the input wins.
  const fields = new Map<string, unknown>();
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) fields.set(k.toLowerCase(), v);
  const numbers = rawNumbers(text);
  const meta: Partial<ChunkerMeta> = {};
  for (const key of INT_KEYS) {
    const v = fields.get(key);
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || /[.eE]/.test(numbers.get(key) ?? "")) {
      return no(`"${key}" is not an integer`);
    }
    meta[key] = v;
  }
  for (const key of STRING_KEYS) {
    const v = fields.get(key);
    if (v === undefined || v === null) continue;
    if (typeof v !== "string") return no(`"${key}" is not a string`);
    if (v !== "") meta[key] = v;
  }
  if (meta.ver === undefined || meta.size === undefined || meta.nchunks === undefined) return no("missing field");
  if (meta.ver < 1 || meta.size < 0 || meta.nchunks < 0) return no("negative field");
  const m = meta as ChunkerMeta;
  if (m.nchunks > MAX_CHUNKS) return { status: "unsupported", reason: "chunk number overflow", meta: m };
  if (m.md5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(m.md5)) return no("invalid md5");
  if (m.sha1 !== undefined && !/^[0-9a-fA-F]{40}$/.test(m.sha1)) return no("invalid sha1");
  if (m.nchunks < 1 && m.ver <= META_VERSION_TXN) return no("no chunks");
  if (m.ver > META_VERSION_TXN) {
    return { status: "unsupported", reason: "unknown metadata, please upgrade rclone", meta: m };
  }
  return { status: "valid", meta: m };
}
