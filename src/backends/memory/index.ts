import { defineDescriptor } from "../../fs/registry.js";

export default defineDescriptor({
  name: "memory",
  kind: "backend",
  description: "In-memory storage, shared by every memory remote in the process",
  options: { type: "object", properties: {}, additionalProperties: false },
  async create({ name, root }) {
    const { MemoryFs } = await import("./fs.js");
    return new MemoryFs(name, root);
  },
});
