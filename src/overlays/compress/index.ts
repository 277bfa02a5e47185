/**
 * compress: stores files compressed (gzip, or seekable zstd) on the wrapped remote, each as a data
 * object plus a `NAME.json` metadata object, byte-compatible with rclone's compress (see
 * docs/compress.md and the format spec).
 */
import { FsError } from "../../fs/errors.js";
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The compress options `create` receives, derived from the schema below. */
export type CompressOptions = OptionsOf<typeof schema>;

const invalid = (key: string, why: string) => new FsError("ConfigInvalid", `compress: option "${key}" ${why}`);

/** Checks what the schema cannot express. Throws `ConfigInvalid` naming the option. */
export function checkCompressOptions(o: CompressOptions): void {
  if (o.mode === "gzip" && !(o.level >= -2 && o.level <= 9)) {
    throw invalid("level", `must be between -2 and 9 for gzip, found ${o.level}`);
  }
  // -1, the shared default, means zstd's own default (2).
  if (o.mode === "zstd" && !(o.level >= -1 && o.level <= 4)) {
    throw invalid("level", `must be between 0 and 4 for zstd, found ${o.level}`);
  }
  if (!(o.ram_cache_limit >= 0)) throw invalid("ram_cache_limit", `must not be negative, found ${o.ram_cache_limit}`);
}

/** The compress options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    remote: { type: "string", description: "Remote to compress." },
    mode: {
      type: "string",
      enum: ["gzip", "zstd"],
      default: "gzip",
      description:
        "Compression mode: gzip (what rclone 1.60 reads and writes) or zstd (seekable zstd, as rclone ≥ 1.72).",
    },
    level: {
      type: "integer",
      default: -1,
      description:
        "Compression level. gzip: -2 (Huffman only) to 9, -1 the default (about 5), 0 no compression. " +
        "zstd: 0 (fastest) to 4 (best), -1 or 2 the default.",
      advanced: true,
    },
    ram_cache_limit: {
      type: "integer",
      size: true,
      default: 20 * 1024 * 1024,
      description:
        "Compressed data (and uploads of unknown size) up to this size are held in memory to learn their " +
        "size for the wrapped remote; larger ones are streamed, or cached in a temporary file when the " +
        "wrapped remote cannot take a stream.",
      advanced: true,
    },
  },
  required: ["remote"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "compress",
  kind: "overlay",
  description: "Compress a remote",
  options: schema,
  async create({ name, options, acrossConfigs, subpath, openBelow }) {
    checkCompressOptions(options);
    const wrapped = await openBelow(options.remote);
    const { CompressFs } = await import("./fs.js");
    return new CompressFs(name, subpath(), wrapped, options, acrossConfigs);
  },
});
