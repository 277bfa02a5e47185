/**
 * A no-op sync decides from the listings alone: where sizes and modtimes agree it opens, hashes,
 * writes and looks up nothing, on local disks and in memory (test/s3/listing-requests.test.ts
 * counts the same over S3 at the SDK).
 */
import { describe, expect, it } from "vitest";
import { Stats } from "../../src/fs/accounting/stats.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import type { OpKind } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { runSync } from "../../src/fs/sync/sync.js";
import type { Fs } from "../../src/fs/types.js";
import { tempDirs } from "../temp-dirs.js";
import { seedTree } from "./tree.js";

const dirs = tempDirs("strata-noop-");
let seq = 0;
const makers: Record<string, () => Promise<Fs>> = {
  local: () => newFs(dirs(), createContext()),
  memory: () => newFs(`:memory:noop-${process.pid}-${seq++}`, createContext()),
};
const PER_OBJECT: OpKind[] = ["open", "hash", "newObject", "put", "putStream", "setModTime", "remove", "copy", "move"];

describe.each(Object.keys(makers))("no-op sync on %s", (kind) => {
  it("lists each directory once per side and reads no object", async () => {
    const make = makers[kind] as () => Promise<Fs>;
    const src = new CountingFs(await make());
    const dst = new CountingFs(await make());
    const files = await seedTree(src, 6, { bigFile: 1000 });
    await runSync("sync", src, dst, { stats: new Stats() });
    src.reset();
    dst.reset();
    const stats = new Stats();
    await runSync("sync", src, dst, { stats });
    expect(stats.errors).toBe(0);
    expect(stats.transfers).toBe(0);
    expect(stats.checks).toBe(files.length);
    for (const side of [src, dst]) {
      expect(Object.fromEntries(PER_OBJECT.map((k) => [k, side.count(k)]))).toEqual(
        Object.fromEntries(PER_OBJECT.map((k) => [k, 0])),
      );
      expect(side.bytesRead).toBe(0);
    }
    expect(dst.count("list")).toBe(src.count("list"));
  });
});
