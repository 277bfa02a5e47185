import { defineDescriptor } from "../../fs/registry.js";

export interface LocalOptions {
  copy_links: boolean;
  skip_links: boolean;
  case_insensitive: boolean;
  no_set_modtime: boolean;
}

export default defineDescriptor<LocalOptions>({
  name: "local",
  kind: "backend",
  description: "Local disk",
  options: {
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
  },
  async create({ name, root, options }) {
    const { LocalFs } = await import("./fs.js");
    return new LocalFs(name, root, options);
  },
});
