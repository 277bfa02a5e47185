/**
 * runSync and check report per-file outcomes the same way: counted and returned, not thrown; both
 * throw only when they cannot go on. assertNoDifferences is what the CLI makes of a check's counts.
 */

import { assertNoDifferences, check, createContext, type Fs, fromBytes, newFs, runSync, Stats } from "strata";
import { FaultFs } from "strata/testing";
import { describe, expect, it } from "vitest";

async function memoryWith(name: string, files: string[]): Promise<Fs> {
  const fs = await newFs(`:memory:${name}`, createContext());
  const data = new TextEncoder().encode(name);
  for (const f of files) await fs.put(fromBytes(data), { remote: f, size: data.length, modTime: new Date(0) });
  return fs;
}

describe("outcomes of runs over many files", () => {
  it("runSync counts a failed file in its stats and resolves", async () => {
    const src = new FaultFs(await memoryWith("out-src", ["a", "b"]), {
      rules: [{ ops: ["open"], path: "b", fail: "permanent" }],
    });
    const stats = new Stats();
    await runSync("copy", src, await memoryWith("out-dst", []), { stats });
    expect([stats.transfers, stats.errors]).toEqual([1, 1]);
  });

  it("check returns its counts, and assertNoDifferences throws Differences for them", async () => {
    const result = await check(await memoryWith("chk-src", ["a", "b"]), await memoryWith("chk-dst", ["a"]), {
      stats: new Stats(),
    });
    expect(result).toMatchObject({ missingOnDst: 1 });
    expect(() => assertNoDifferences(result)).toThrow(expect.objectContaining({ code: "Differences" }));
  });

  it("check throws when it cannot list", async () => {
    const gone = await newFs(":memory:never-made/sub", createContext());
    await expect(check(gone, await memoryWith("chk-any", []), { stats: new Stats() })).rejects.toMatchObject({
      code: "DirNotFound",
    });
  });
});
