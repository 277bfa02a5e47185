/**
 * alias: a remote that stands for another remote's path (rclone's alias). `alias:sub` opens
 * `<remote>/sub`, so the aliased remote's own checks and capabilities apply unchanged.
 */
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";

/** The alias options `create` receives, derived from the schema below. */
export type AliasOptions = OptionsOf<typeof schema>;

/** The alias options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    remote: {
      type: "string",
      description: 'Remote or path to alias, e.g. "myremote:path/to/dir", "myremote:bucket" or "/local/path".',
    },
  },
  required: ["remote"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "alias",
  kind: "backend",
  description: "Alias for an existing remote",
  options: schema,
  async create({ options, openBelow }) {
    return openBelow(options.remote);
  },
});
