/** Backend types by name, each loaded on first use; `defaultRegistry()` registers them. */
import type { DescriptorLoader } from "../fs/registry.js";

export const BACKENDS = {
  alias: async () => (await import("./alias/index.js")).default,
  local: async () => (await import("./local/index.js")).default,
  memory: async () => (await import("./memory/index.js")).default,
  s3: async () => (await import("./s3/index.js")).default,
  sftp: async () => (await import("./sftp/index.js")).default,
  webdav: async () => (await import("./webdav/index.js")).default,
} satisfies Record<string, DescriptorLoader>;
