/**
 * chunker: splits large files into chunks on the wrapped remote, byte-compatible with rclone 1.60's
 * chunker (see docs/chunker.md and the format spec).
 */
import { FsError } from "../../fs/errors.js";
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";
import { nameFormatError } from "./name-format.js";

/** The chunker options `create` receives, derived from the schema below. */
export type ChunkerOptions = OptionsOf<typeof schema>;
export type ChunkerHashType = ChunkerOptions["hash_type"];

const invalid = (key: string, why: string) => new FsError("ConfigInvalid", `chunker: option "${key}" ${why}`);

/**
 * Checks the combinations the schema cannot express. Throws `ConfigInvalid` naming the option,
 * with rclone's wording where it has one.
 */
export function checkChunkerOptions(o: ChunkerOptions): void {
  if (!(o.chunk_size > 0)) throw invalid("chunk_size", `must be positive, found ${o.chunk_size}`);
  if (!Number.isSafeInteger(o.start_from) || o.start_from < 0) {
    throw invalid("start_from", "start_from must be non-negative");
  }
  const err = nameFormatError(o.name_format);
  if (err) throw invalid("name_format", err);
  if (o.meta_format === "none" && o.hash_type !== "none") {
    throw invalid(
      "hash_type",
      `hash type '${o.hash_type}' requires compatible meta format (option "meta_format" is "none")`,
    );
  }
  if (o.meta_format === "none" && o.transactions === "norename") {
    throw invalid("transactions", "incompatible transaction options (norename needs meta_format simplejson)");
  }
}

/** The chunker options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    remote: {
      type: "string",
      description: 'Remote to chunk/unchunk, e.g. "myremote:path/to/dir", "myremote:bucket" or "/local/path".',
    },
    chunk_size: {
      type: "integer",
      size: true,
      default: 2 * 1024 * 1024 * 1024,
      description: "Files larger than chunk size will be split in chunks.",
    },
    name_format: {
      type: "string",
      default: "*.rclone_chunk.###",
      description:
        "String format of chunk file names: '*' is the base file name, a run of '#' the chunk number (zero-padded).",
      advanced: true,
    },
    start_from: {
      type: "integer",
      default: 1,
      description: "Minimum valid chunk number. Usually 0 or 1.",
      advanced: true,
    },
    meta_format: {
      type: "string",
      enum: ["simplejson", "none"],
      default: "simplejson",
      description: "Format of the metadata object or 'none'.",
      advanced: true,
    },
    hash_type: {
      type: "string",
      enum: ["none", "md5", "sha1", "md5all", "sha1all", "md5quick", "sha1quick"],
      default: "md5",
      description: "Choose how chunker handles hash sums.",
    },
    fail_hard: {
      type: "boolean",
      default: false,
      description: "Choose how chunker should handle files with missing or invalid chunks.",
      advanced: true,
    },
    transactions: {
      type: "string",
      enum: ["rename", "norename", "auto"],
      default: "rename",
      description: "Choose how chunker should handle temporary files during transactions.",
      advanced: true,
    },
  },
  required: ["remote"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "chunker",
  kind: "overlay",
  description:
    "Transparently chunk/split large files. Copying, moving or syncing from another chunker over the same " +
    "wrapped remote with the same chunk_size (a name_format, start_from, meta_format, hash_type or " +
    "transactions migration) copies the data chunks server-side and writes only new names and metadata " +
    "(a different hash type reads the data once to hash it); with a different chunk_size the data streams.",
  options: schema,
  async create({ name, options, acrossConfigs, subpath, openBelow }) {
    checkChunkerOptions(options);
    const wrapped = await openBelow(options.remote);
    const { ChunkerFs } = await import("./fs.js");
    return new ChunkerFs(name, subpath(), wrapped, options, acrossConfigs);
  },
});
