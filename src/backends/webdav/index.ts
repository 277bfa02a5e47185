import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";
import { VENDORS } from "./vendor.js";

/** The webdav options `create` receives, derived from the schema below. */
export type WebdavOptions = OptionsOf<typeof schema>;

/** The webdav options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    url: {
      type: "string",
      description: "URL of http host to connect to, e.g. https://example.com/dav/.",
    },
    vendor: {
      type: "string",
      default: "other",
      enum: VENDORS,
      description:
        "Name of the WebDAV server software: other, nextcloud, owncloud, sharepoint, sharepoint-ntlm or rclone (decides modtime and hash support).",
    },
    user: {
      type: "string",
      default: "",
      description: "User name.",
    },
    pass: {
      type: "string",
      default: "",
      obscured: true,
      description: "Password.",
    },
    bearer_token: {
      type: "string",
      default: "",
      secret: true,
      description: "Bearer token instead of user/pass (e.g. a Macaroon).",
    },
  },
  required: ["url"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "webdav",
  kind: "backend",
  description: "WebDAV",
  options: schema,
  async create({ name, root, options }) {
    const { WebdavFs } = await import("./fs.js");
    return new WebdavFs(name, root, options);
  },
});
