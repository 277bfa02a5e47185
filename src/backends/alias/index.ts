/**
 * alias: a remote that stands for another remote's path (rclone's alias). `alias:sub` opens
 * `<remote>/sub`, so the aliased remote's own checks and capabilities apply unchanged.
 */
import { cleanRemote } from "../../fs/path.js";
import { defineDescriptor } from "../../fs/registry.js";

export default defineDescriptor<{ remote: string }>({
  name: "alias",
  kind: "backend",
  description: "Alias for an existing remote",
  options: {
    type: "object",
    properties: {
      remote: {
        type: "string",
        description: 'Remote or path to alias, e.g. "myremote:path/to/dir", "myremote:bucket" or "/local/path".',
      },
    },
    required: ["remote"],
    additionalProperties: false,
  },
  async create({ root, options, newFs }) {
    const base = options.remote;
    const sub = cleanRemote(root.replace(/^\/+/, ""));
    if (sub === "") return newFs(base);
    const sep = base.endsWith(":") || base.endsWith("/") ? "" : "/";
    return newFs(`${base}${sep}${sub}`);
  },
});
