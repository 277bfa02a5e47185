/** Remotes given as typed objects open as the same connection strings do. */

import { createContext, fromBytes, newFs, obscure, toBytes } from "strata";
import { describe, expect, it } from "vitest";

describe("newFs with a RemoteSpec object", () => {
  it("is the on-the-fly remote: string-only options share the cached instance", async () => {
    const ctx = createContext();
    const fromObject = await newFs({ type: "memory", path: "dir" }, ctx);
    expect(await newFs(":memory:dir", ctx)).toBe(fromObject);
    const chunker = await newFs({ type: "chunker", remote: ":memory:c", chunk_size: "1k" }, ctx);
    expect(await newFs(':chunker,remote=":memory:c",chunk_size=1k:', ctx)).toBe(chunker);
  });

  it("takes typed values, which are not read as their string forms", async () => {
    const ctx = createContext();
    const bytes = await newFs({ type: "chunker", remote: ":memory:typed", chunk_size: 1000 }, ctx);
    const kib = await newFs({ type: "chunker", remote: ":memory:typed", chunk_size: "1000" }, ctx);
    expect(bytes).not.toBe(kib);
    const data = new Uint8Array(2500).fill(7);
    await bytes.put(fromBytes(data), { remote: "f", size: data.length, modTime: new Date() });
    // 1000-byte chunks: three objects under the wrapped remote (a 1000 KiB chunk size would make one).
    const stored = (await (await newFs(":memory:typed", ctx)).list("")).map((e) => e.remote);
    expect(stored.filter((r) => r.startsWith("f.rclone_chunk."))).toHaveLength(3);
    expect(await toBytes(await (await kib.newObject("f")).open())).toEqual(data);
  });

  it("reads obscured passwords, as a config file holds them", async () => {
    const ctx = createContext();
    const crypt = await newFs({ type: "crypt", remote: ":memory:spec-crypt", password: obscure("pw") }, ctx);
    const same = await newFs(`:crypt,remote=":memory:spec-crypt",password=${obscure("pw")}:`, ctx);
    const data = new TextEncoder().encode("secret");
    await crypt.put(fromBytes(data), { remote: "s.txt", size: data.length, modTime: new Date() });
    // Overlays may hand back Buffers (a Uint8Array subclass): compare the bytes.
    expect(new Uint8Array(await toBytes(await (await same.newObject("s.txt")).open()))).toEqual(data);
  });

  it("fails as the string form does: ConfigInvalid naming the option", async () => {
    const ctx = createContext();
    await expect(newFs({ type: "crypt", remote: ":memory:x" }, ctx)).rejects.toMatchObject({
      code: "ConfigInvalid",
      message: expect.stringContaining("password"),
    });
    // @ts-expect-error: not an option of chunker
    const unknown = newFs({ type: "chunker", remote: ":memory:x", chunk_sise: "1k" }, ctx);
    await expect(unknown).rejects.toMatchObject({
      code: "ConfigInvalid",
      message: expect.stringContaining("chunk_sise"),
    });
    // @ts-expect-error: no such type
    await expect(newFs({ type: "floppy" }, ctx)).rejects.toMatchObject({ code: "ConfigInvalid" });
  });
});
