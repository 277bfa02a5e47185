/**
 * Real kill -9 of the CLI inside an erasure upload: `strata copyto v2 ec:f` over 4+2 local upstreams
 * holding v1, killed a seeded few milliseconds after the local backend starts its first shard file
 * (the puts are streaming) or after the first temporary shard is renamed away (the commit has
 * begun). Afterwards a fresh remote reads exactly v1 or v2, and reads the same after `cleanup`.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, type FSWatcher, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { setLogLevel } from "../../src/fs/log.js";
import { CLI_ENTRY } from "../global-setup.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureSpec, openErasure, putFile, readFile } from "./erasure-shards.js";

setLogLevel("ERROR");
const tempDir = tempDirs("strata-ec-kill9-");
const MiB = 1 << 20;
const TEMP_SHARD = /^f\.\d+\.[0-9a-f]{12}\.s\d\.tmp$/;
/** The local backend's own temporary file, which becomes a temporary shard when its put completes. */
const PARTIAL = /^\.strata-[0-9a-f]+\.partial$/;

/**
 * Runs the CLI with `args` and SIGKILLs it `delayMs` after a shard upload starts in one of `dirs`
 * (`on: "put"`) or a temporary shard is renamed away (`on: "commit"`); resolves once it has exited.
 */
function killAt(dirs: string[], args: string[], on: "put" | "commit", delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { stdio: "ignore" });
    const watchers: FSWatcher[] = [];
    const stop = () => {
      for (const w of watchers) w.close();
    };
    for (const dir of dirs) {
      watchers.push(
        watch(dir, (_event, name) => {
          if (typeof name !== "string") return;
          const started = on === "put" && PARTIAL.test(name);
          const committing = on === "commit" && TEMP_SHARD.test(name) && !existsSync(join(dir, name));
          if (!started && !committing) return;
          stop();
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }),
      );
    }
    child.on("error", reject);
    child.on("exit", () => {
      stop();
      resolve();
    });
  });
}

describe("erasure: kill -9 of the CLI during an upload", () => {
  it("leaves v1 or v2, before and after cleanup", async () => {
    const random = seededRandom(1515);
    for (const on of ["put", "commit", "put", "commit"] as const) {
      const dirs = Array.from({ length: 6 }, () => tempDir());
      const spec = erasureSpec(dirs, 4, "256Ki");
      const v1 = randomBytes(MiB + 123);
      const v2 = randomBytes(3 * MiB + 7);
      const src = join(tempDir(), "v2.bin");
      writeFileSync(src, v2);
      await putFile(await openErasure(spec), "f", v1);
      await killAt(dirs, ["copyto", src, `${spec}f`], on, Math.floor(random() * (on === "put" ? 40 : 5)));
      const state = async (when: string) => {
        const got = await readFile(await openErasure(spec), "f");
        expect(got.equals(v1) || got.equals(v2), `${on}, ${when}: neither v1 nor v2`).toBe(true);
        return got.equals(v1) ? "v1" : "v2";
      };
      const before = await state("before cleanup");
      await (await openErasure(spec)).cleanUp();
      expect(await state("after cleanup")).toBe(before);
    }
  });
});
