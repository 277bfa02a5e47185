/**
 * The reported reproduction, with a real kill -9: `strata copyto v2 ch:f` over a chunked v1, killed
 * the moment its first temporary chunk disappears (the commit's renames have begun), or a seeded
 * few milliseconds later. Afterwards reading `f` gives exactly v1 or v2, and so it does after `cleanup`.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { strata } from "../commands/run-cli.js";
import { CLI_ENTRY } from "../global-setup.js";
import { tempDirs } from "../temp-dirs.js";

const tempDir = tempDirs("strata-chunker-kill-");
const MiB = 1 << 20;
const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const TEMP_CHUNK = /^f\.rclone_chunk\.\d{3}_[0-9a-z]{4,9}$/;

/** Runs `strata copyto src remote` and SIGKILLs it `delayMs` after a temporary chunk is renamed away. */
function killAfterFirstRename(store: string, args: string[], delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { stdio: "ignore", env: { ...process.env } });
    const watcher = watch(store, (_event, name) => {
      if (typeof name !== "string" || !TEMP_CHUNK.test(name) || existsSync(join(store, name))) return;
      watcher.close();
      setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.on("error", reject);
    child.on("exit", () => {
      watcher.close();
      resolve();
    });
  });
}

describe("chunker: kill -9 inside the commit (CLI)", () => {
  it("leaves v1 or v2, before and after cleanup", async () => {
    const random = seededRandom(15);
    const seen = new Set<string>();
    for (let trial = 0; trial < 3; trial++) {
      const dir = tempDir();
      const store = join(dir, "store");
      const remote = `:chunker,remote='${store}',chunk_size=256k:`;
      const v1 = randomBytes(1.5 * MiB + 123);
      const v2 = randomBytes(1.25 * MiB + 7);
      writeFileSync(join(dir, "v1.bin"), v1);
      writeFileSync(join(dir, "v2.bin"), v2);
      expect((await strata(["copyto", join(dir, "v1.bin"), `${remote}f`])).code).toBe(0);
      await killAfterFirstRename(store, ["copyto", join(dir, "v2.bin"), `${remote}f`], Math.floor(random() * 4));
      let reads = 0;
      const state = async () => {
        const out = join(dir, `read-${reads++}.bin`);
        const res = await strata(["copyto", `${remote}f`, out]);
        expect(res.code, res.stderr).toBe(0);
        const got = digest(readFileSync(out));
        expect([digest(v1), digest(v2)]).toContain(got);
        return got === digest(v1) ? "v1" : "v2";
      };
      const before = await state();
      expect((await strata(["cleanup", remote])).code).toBe(0);
      expect(await state()).toBe(before);
      seen.add(before);
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});
