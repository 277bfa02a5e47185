import { defineDescriptor } from "../../fs/registry.js";
import { VENDORS, type Vendor } from "./vendor.js";

export interface WebdavOptions {
  url: string;
  vendor: Vendor;
  user: string;
  pass: string;
  bearer_token: string;
}

export default defineDescriptor<WebdavOptions>({
  name: "webdav",
  kind: "backend",
  description: "WebDAV",
  options: {
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
  },
  async create({ name, root, options }) {
    const { WebdavFs } = await import("./fs.js");
    return new WebdavFs(name, root, options);
  },
});
