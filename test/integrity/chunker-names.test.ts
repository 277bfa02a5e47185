/**
 * Names the chunker decodes from chunk names are checked like every overlay's (`unsafeSegment`):
 * a chunk whose parent would be `.` or `..` is skipped with a notice, never listed.
 */
import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";

const T0 = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));

describe("chunker: decoded names", () => {
  it.each(["none", "simplejson"])("skips chunks named for . and .. (meta_format %s)", async (meta) => {
    const ctx = createContext();
    const raw = await newFs(`:memory:names-${meta}`, ctx);
    for (const name of ["...rclone_chunk.001", "..rclone_chunk.001", "ok.rclone_chunk.001"]) {
      await raw.put(fromBytes(new Uint8Array(10)), { remote: `d/${name}`, size: 10, modTime: T0 });
    }
    const fs = await newFs(`:chunker,remote=':memory:names-${meta}',meta_format=${meta},hash_type=none:`, ctx);
    const names = (await fs.list("d")).map((e) => e.remote);
    expect(names).not.toContain("d/..");
    expect(names).not.toContain("d/.");
    if (meta === "none") expect(names).toEqual(["d/ok"]);
  });
});
