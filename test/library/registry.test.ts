/** A context opens only the types its registry holds: programs choose their backends. */

import {
  BACKENDS,
  ConfigStore,
  createContext,
  defaultRegistry,
  fromBytes,
  isFsError,
  newFs,
  OVERLAYS,
  Registry,
  toBytes,
} from "strata";
import { describe, expect, it } from "vitest";

const only = (registry: Registry) => createContext(ConfigStore.inMemory(), {}, {}, [], registry);

describe("registration passed to the context", () => {
  it("a registry starts empty: nothing is registered by importing a module", () => {
    expect(new Registry().types()).toEqual([]);
  });

  it("opens the types it was given and refuses the others, naming what it knows", async () => {
    const ctx = only(new Registry({ memory: BACKENDS.memory, crypt: OVERLAYS.crypt }));
    const fs = await newFs(":memory:registry-only", ctx);
    await fs.put(fromBytes(new Uint8Array([1, 2])), { remote: "f", size: 2, modTime: new Date() });
    expect(await toBytes(await (await fs.newObject("f")).open())).toEqual(Buffer.from([1, 2]));
    for (const spec of [":local:/tmp", "/tmp", ":chunker,remote=:memory:x:"]) {
      const err = await newFs(spec, ctx).catch((e: unknown) => e);
      expect(isFsError(err, "ConfigInvalid"), spec).toBe(true);
      expect((err as Error).message).toMatch(/unknown backend type "(local|chunker)" \(known: crypt, memory\)/);
    }
  });

  it("takes a program's own type next to the defaults", async () => {
    const registry = defaultRegistry().add({
      scratch: async () => ({ ...(await BACKENDS.memory()), name: "scratch", description: "memory, renamed" }),
    });
    expect(registry.types()).toEqual([...Object.keys({ ...BACKENDS, ...OVERLAYS }), "scratch"].sort());
    const fs = await newFs(":scratch:registry-own", only(registry));
    await fs.mkdir("d");
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["d"]);
  });

  it("the default context knows every backend and overlay", async () => {
    expect(createContext().registry.types()).toEqual(Object.keys({ ...BACKENDS, ...OVERLAYS }).sort());
  });
});
