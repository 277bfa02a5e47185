/**
 * erasure uploads killed with SIGKILL over a previous version: no listing ever shows a file that
 * fails to read (the old version until the new one has k committed shards), and `strata cleanup`
 * removes every leftover.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { setLogLevel } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { seededBytes, seededFile, seededRandom } from "../chunker/fixtures/seeded.js";
import { strata } from "../commands/run-cli.js";
import { killMidUpload } from "../kill-child.js";
import { tempDirs } from "../temp-dirs.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-erasure-put.ts", import.meta.url));
const MiB = 1024 * 1024;
const TOTAL = 12 * MiB;
const TRIALS = 20;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const tempDir = tempDirs("strata-ec-kill-");
setLogLevel("ERROR");

const filesIn = (dir: string) => readdirSync(dir).sort();

describe("erasure: uploads killed with SIGKILL", () => {
  it(`never lists a file that fails to read through ${TRIALS} kills, and cleanup removes every leftover`, async () => {
    const upstreams = Array.from({ length: 6 }, () => tempDir());
    const remotes = upstreams.map((d) => `'${d}'`).join(" ");
    const spec = `:erasure,remotes=${quoteValue(remotes)},data_shards=4,parity_shards=2,segment_size=1M:`;
    const fs = await newFs(spec, createContext());
    const old = seededBytes("previous", 3 * MiB + 12_345);
    await fs.put(fromBytes(old), { remote: "big.bin", size: old.length, modTime: new Date() });
    const committed = upstreams.map(filesIn);

    const random = seededRandom(20_261_126);
    let current = old;
    for (let trial = 0; trial < TRIALS; trial++) {
      // Kill after 1..12 MiB were taken (the whole body: then mostly during the commit), plus 0..9 ms.
      const killAt = MiB + Math.floor(random() * 11 * MiB);
      const extra = Math.floor(random() * 10);
      const seed = `new-${trial}`;
      await killMidUpload(FIXTURE, [spec, String(TOTAL), "big.bin", seed], killAt, extra);

      // Whatever the listing shows reads exactly: the previous content, or the new one if enough
      // shards of it were committed before the kill.
      const fresh = await newFs(spec, createContext());
      const listed = await fresh.list("");
      expect(
        listed.map((e) => e.remote),
        `trial ${trial}`,
      ).toEqual(["big.bin"]);
      const obj = await fresh.newObject("big.bin");
      const got = sha256(await toBytes(await obj.open()));
      const next = seededFile(seed, TOTAL);
      expect([sha256(current), sha256(next)], `trial ${trial}`).toContain(got);
      if (got === sha256(next)) current = next;
    }

    // The kills left partial or temporary shards behind, or they proved nothing.
    expect(upstreams.flatMap(filesIn).length).toBeGreaterThan(upstreams.length);
    const res = await strata(["cleanup", spec]);
    expect(res.code, res.stderr).toBe(0);
    // Only the shards of the file's current version remain, one per upstream.
    for (const [i, d] of upstreams.entries()) {
      const left = filesIn(d);
      expect(left.length, `${d}: ${left.join(", ")}`).toBeLessThanOrEqual(1);
      for (const f of left) expect(f).toMatch(new RegExp(`^big\\.bin\\.\\d+\\.[0-9a-f]{12}\\.k\\d+m\\d+\\.s${i}$`));
    }
    expect(committed.every((c) => c.length === 1)).toBe(true);
    const after = await newFs(spec, createContext());
    expect(sha256(await toBytes(await (await after.newObject("big.bin")).open()))).toBe(sha256(current));
  }, 120_000);
});
