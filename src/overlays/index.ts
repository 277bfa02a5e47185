/** Overlay types by name, each loaded on first use; `defaultRegistry()` registers them. */
import type { DescriptorLoader } from "../fs/registry.js";

export const OVERLAYS = {
  chunker: async () => (await import("./chunker/index.js")).default,
  compress: async () => (await import("./compress/index.js")).default,
  crypt: async () => (await import("./crypt/index.js")).default,
  erasure: async () => (await import("./erasure/index.js")).default,
} satisfies Record<string, DescriptorLoader>;
