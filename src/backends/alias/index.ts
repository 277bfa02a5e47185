/**
 * alias: a remote that stands for another remote's path (rclone's alias). `alias:sub` opens
 * `<remote>/sub`, so the aliased remote's own checks and capabilities apply unchanged.
 */
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
  async create({ options, openBelow }) {
    return openBelow(options.remote);
  },
});
