/**
 * The metadata object `NAME.json`: Go `encoding/json` output of rclone's ObjectMetadata, keys in
 * field order. rclone 1.60 keeps the block list under `CompressionMetadata`; rclone ≥ 1.72 (which
 * added zstd) under `CompressionMetadataGzip` / `CompressionMetadataZstd`. Reading accepts both and,
 * as Go does, matches keys case-insensitively. Pure: no Fs.
 */
import { MODE_GZIP, MODE_STORED, MODE_ZSTD, type Mode } from "./names.js";

/** Where the blocks are: gzip `BlockData` holds the header length then each block's length; zstd holds 0 then cumulative end offsets. */
export interface BlockMeta {
  BlockSize: number;
  Size: number;
  BlockData: number[] | null;
}

export interface CompressMeta {
  Mode: Mode;
  Size: number;
  MD5: string;
  MimeType: string;
  /** Block list of compressed data; undefined for stored data. */
  blocks?: BlockMeta;
}

const EMPTY_BLOCKS: BlockMeta = { BlockSize: 0, Size: 0, BlockData: null };

/** A JSON string as Go writes it: `<`, `>`, `&`, U+2028/9 and control characters other than \n \r \t as \u00XX. */
function goString(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what Go escapes
  return `"${s.replace(/[\u0000-\u001f"\\<>&\u2028\u2029]/g, (c) => {
    if (c === '"' || c === "\\") return `\\${c}`;
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  })}"`;
}

function blocksJson(b: BlockMeta | null): string {
  if (b === null) return "null";
  const data = b.BlockData === null ? "null" : `[${b.BlockData.join(",")}]`;
  return `{"BlockSize":${b.BlockSize},"Size":${b.Size},"BlockData":${data}}`;
}

/**
 * The metadata bytes. `layout` "v1.60" writes `CompressionMetadata` (what rclone 1.60 reads);
 * "v1.72" writes the pair of keys rclone ≥ 1.72 reads, the unused one `null` (zstd needs this).
 */
export function marshalMeta(m: CompressMeta, layout: "v1.60" | "v1.72"): Uint8Array {
  const head = `{"Mode":${m.Mode},"Size":${m.Size},"MD5":${goString(m.MD5)},"MimeType":${goString(m.MimeType)},`;
  const blocks = m.blocks ?? EMPTY_BLOCKS;
  let tail: string;
  if (layout === "v1.60") tail = `"CompressionMetadata":${blocksJson(blocks)}}`;
  else {
    // Only zstd mode writes this layout; its stored files carry empty zstd block metadata, as rclone's do.
    const zstd = m.Mode !== MODE_GZIP;
    tail = `"CompressionMetadataGzip":${blocksJson(zstd ? null : blocks)},"CompressionMetadataZstd":${blocksJson(zstd ? blocks : null)}}`;
  }
  return Buffer.from(head + tail, "utf8");
}

/** Go's field lookup: the exact key, else the first key equal ignoring case. */
function field(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

function parseBlocks(v: unknown): BlockMeta | null | string {
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) return "block metadata is not an object";
  const o = v as Record<string, unknown>;
  const blockSize = field(o, "BlockSize") ?? 0;
  const size = field(o, "Size") ?? 0;
  const data = field(o, "BlockData") ?? null;
  if (!isInt(blockSize) || blockSize < 0 || !isInt(size) || size < 0) return "bad block size or size";
  if (data !== null && !(Array.isArray(data) && data.every((d) => isInt(d) && d >= 0 && d <= 0xffffffff))) {
    return "BlockData is not a list of uint32";
  }
  return { BlockSize: blockSize, Size: size, BlockData: data as number[] | null };
}

/** Parses metadata bytes; a string result says why they are not valid metadata. */
export function parseMeta(bytes: Uint8Array): CompressMeta | string {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return "metadata is not JSON";
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "metadata is not a JSON object";
  const o = raw as Record<string, unknown>;
  const mode = field(o, "Mode") ?? 0;
  const size = field(o, "Size") ?? 0;
  const md5 = field(o, "MD5") ?? "";
  const mime = field(o, "MimeType") ?? "";
  if (mode !== MODE_STORED && mode !== MODE_GZIP && mode !== MODE_ZSTD)
    return `unknown compression mode ${String(mode)}`;
  if (!isInt(size) || size < 0) return "bad size";
  if (typeof md5 !== "string" || (md5 !== "" && !/^[0-9a-fA-F]{32}$/.test(md5))) return "bad MD5";
  if (typeof mime !== "string") return "bad MimeType";
  const meta: CompressMeta = { Mode: mode, Size: size, MD5: md5.toLowerCase(), MimeType: mime };
  if (mode === MODE_STORED) return meta;
  // Either generation's key; the one matching the mode first.
  const keys =
    mode === MODE_ZSTD
      ? ["CompressionMetadataZstd", "CompressionMetadata"]
      : ["CompressionMetadataGzip", "CompressionMetadata"];
  for (const key of keys) {
    const b = parseBlocks(field(o, key));
    if (typeof b === "string") return b;
    if (b !== null) {
      meta.blocks = b;
      return meta;
    }
  }
  return "missing block metadata";
}
