/** Overlay types, each loaded on first use. */
import { registerLoaders } from "../fs/registry.js";

registerLoaders({
  chunker: async () => (await import("./chunker/index.js")).default,
  compress: async () => (await import("./compress/index.js")).default,
  crypt: async () => (await import("./crypt/index.js")).default,
  erasure: async () => (await import("./erasure/index.js")).default,
});
