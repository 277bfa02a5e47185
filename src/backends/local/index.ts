import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The local options `create` receives, derived from the schema below. */
export type LocalOptions = OptionsOf<typeof schema>;

/** The local options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    copy_links: {
      type: "boolean",
      default: false,
      description: "Follow symlinks and copy the pointed to item (the global -L/--copy-links sets this).",
    },
    skip_links: {
      type: "boolean",
      default: false,
      description: "Don't warn about skipped symlinks.",
      advanced: true,
    },
    case_insensitive: {
      type: "boolean",
      default: process.platform === "darwin" || process.platform === "win32",
      description: "Treat the file system as case insensitive (the default follows the OS, as rclone does).",
      advanced: true,
    },
    no_set_modtime: {
      type: "boolean",
      default: false,
      description: "Don't set modtimes on uploaded files.",
      advanced: true,
    },
  },
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "local",
  kind: "backend",
  description: "Local disk",
  options: schema,
  async create({ name, root, options }) {
    const { LocalFs } = await import("./fs.js");
    return new LocalFs(name, root, options);
  },
});
