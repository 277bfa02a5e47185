/**
 * The long tail through the CLI (issue 16): `strata copy` into erasure(4+4) over eight local
 * remotes, two of them slow disks (slow-disk-preload.mjs), exits as soon as the fast six hold the
 * file: the cancelled writers are aborted and their partial files removed before it returns, and
 * nothing (a timer, a stream) keeps the process alive after.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { erasureSpec } from "../integrity/erasure-shards.js";
import { tempDirs } from "../temp-dirs.js";

const tempDir = tempDirs("strata-ec-tail-cli-");
const PRELOAD = fileURLToPath(new URL("./slow-disk-preload.mjs", import.meta.url));
const MiB = 1 << 20;
const SLOW_BPS = 512 << 10;

/** Every name under `dir` on disk, hidden ones (`.strata-….partial`, `….tmp`) included. */
const namesUnder = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" });

describe("strata copy into erasure with two slow disks among eight", () => {
  it("exits right after the fast six stored the file, leaving no partial file anywhere", async () => {
    const src = tempDir();
    const data = randomBytes(32 * MiB);
    writeFileSync(join(src, "big.bin"), data);
    const dirs = Array.from({ length: 8 }, () => tempDir());
    const spec = erasureSpec(dirs, 4, "4Mi");
    const slow = [dirs[2], dirs[6]] as string[];
    const env = {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${PRELOAD}`.trim(),
      STRATA_TEST_SLOW_WRITE_DIRS: slow.join(delimiter),
      STRATA_TEST_SLOW_BPS: String(SLOW_BPS),
    };
    // A slow disk needs 16 s for its 8 MiB shard.
    const slowMs = ((data.length / 4) * 1000) / SLOW_BPS;
    const t0 = performance.now();
    const res = await strata(["copy", src, spec], { env });
    const ms = performance.now() - t0;
    expect(res.code, res.stderr).toBe(0);
    expect(ms, res.stderr).toBeLessThan(0.6 * slowMs);
    expect(res.stderr).toMatch(/big\.bin: stored 6 of 8 shards, degraded until rebuilt/);
    for (const d of dirs)
      expect(
        namesUnder(d).filter((n) => /\.partial$|\.tmp$/.test(n)),
        d,
      ).toEqual([]);
    expect(dirs.map((d) => namesUnder(d).filter((n) => /\.s\d+$/.test(n)).length)).toEqual([1, 1, 0, 1, 1, 1, 0, 1]);

    const check = await strata(["check", "--download", src, spec]);
    expect(check.code, check.stderr).toBe(0);
  }, 60_000);
});
