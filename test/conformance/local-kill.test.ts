/**
 * A local upload killed with SIGKILL (no finally blocks, no cleanup) must leave the real names as they
 * were: at most hidden `.strata-*.partial` files, which listings skip and `cleanUp` removes.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { killMidUpload } from "../kill-child.js";
import { removeStackTemps, tempDir } from "./stacks.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-put.ts", import.meta.url));
const TOTAL = 50 * 1024 * 1024;
const PARTIAL = /^\.strata-[0-9a-f]{12}\.partial$/;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Every file on disk under `dir`, relative, with `/` separators. */
function filesOnDisk(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) => {
    const rel = prefix === "" ? d.name : `${prefix}/${d.name}`;
    return d.isDirectory() ? filesOnDisk(dir, rel) : [rel];
  });
}

afterAll(removeStackTemps);

describe("local: upload killed with SIGKILL", () => {
  it("keeps the previous version, creates no final name, and leaves only partials that cleanUp removes", async () => {
    const dir = tempDir("strata-kill-");
    const fs = await newFs(dir, createContext());
    const old = randomBytes(10_000);
    await fs.put(fromBytes(old), { remote: "old.bin", size: old.length, modTime: new Date() });

    const killed = await killMidUpload(FIXTURE, [dir, String(TOTAL), "old.bin", "sub/new.bin"], 1024 * 1024, 0, () => {
      // The bytes must be on disk under temporary names, or the kill proves nothing.
      const partialsBefore = filesOnDisk(dir).filter((f) => PARTIAL.test(f.split("/").at(-1) as string));
      expect(partialsBefore.length).toBe(2);
    });
    expect(killed.signal).toBe("SIGKILL");

    expect((await fs.list("")).map((e) => [e.remote, e.kind]).sort()).toEqual([
      ["old.bin", "file"],
      ["sub", "dir"],
    ]);
    expect(await fs.list("sub")).toEqual([]);
    const kept = await fs.newObject("old.bin");
    expect(kept.size).toBe(old.length);
    expect(sha256(await toBytes(await kept.open()))).toBe(sha256(old));

    const leftovers = filesOnDisk(dir).filter((f) => f !== "old.bin");
    expect(leftovers.length).toBe(2);
    for (const f of leftovers) expect(f.split("/").at(-1)).toMatch(PARTIAL);

    const cleanUp = fs.features.cleanUp;
    expect(cleanUp).toBeTypeOf("function");
    await (cleanUp as NonNullable<typeof cleanUp>)();
    expect(filesOnDisk(dir)).toEqual(["old.bin"]);
    expect(sha256(await toBytes(await (await fs.newObject("old.bin")).open()))).toBe(sha256(old));
  });
});
