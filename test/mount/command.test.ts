/**
 * `strata mount` as a command: --daemon returns once mounted and the daemon ends on an outside
 * unmount; a stale mount (its process killed) and a non-empty directory are refused with the way
 * out; -v and --metrics-addr report the mount's counters.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { fuseMissing } from "./fuse-available.js";
import { sh, startMount } from "./mount-cli.js";

const temp = tempDirs("strata-mount-cmd-");

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i > 300) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mountedAt = async (dir: string) =>
  (await readFile("/proc/mounts", "utf8")).split("\n").some((l) => l.split(" ")[1] === dir);

describe.skipIf(fuseMissing)("strata mount", () => {
  it("--daemon returns once mounted; an unmount from outside ends the daemon after its uploads", async () => {
    const store = temp();
    const mnt = temp();
    const r = await strata(["mount", "--daemon", store, mnt, "--cache-dir", temp()]);
    expect(r.code, r.stderr).toBe(0);
    expect(await mountedAt(mnt)).toBe(true);
    await writeFile(join(mnt, "hello.txt"), "from the daemon's mount\n");
    await sh("fusermount3", ["-u", mnt]);
    // The kernel does not wait for the release that uploads the file: wait for the store to have it.
    await waitFor("the upload", async () => (await readFile(join(store, "hello.txt"), "utf8").catch(() => "")) !== "");
    expect(await readFile(join(store, "hello.txt"), "utf8")).toBe("from the daemon's mount\n");
  });

  it("uploads on SIGTERM what was closed just before, whatever the write-back delay", async () => {
    const store = temp();
    const mnt = temp();
    const running = await startMount(store, mnt, [
      "--vfs-cache-mode",
      "writes",
      "--vfs-write-back",
      "1h",
      "--cache-dir",
      temp(),
    ]);
    await writeFile(join(mnt, "late.txt"), "closed, then the signal\n");
    expect(await running.stop(), running.output()).toBe(0);
    expect(await readFile(join(store, "late.txt"), "utf8")).toBe("closed, then the signal\n");
  });

  it("refuses a stale mount with the command that clears it, and a non-empty directory", async () => {
    const mnt = temp();
    const running = await startMount(temp(), mnt, ["--cache-dir", temp()]);
    running.child.kill("SIGKILL");
    await running.stop();
    const stale = await strata(["mount", temp(), mnt]);
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toContain(`stale FUSE mount`);
    expect(stale.stderr).toContain(`fusermount3 -uz ${mnt}`);
    await sh("fusermount3", ["-uz", mnt]);

    const full = temp();
    await writeFile(join(full, "x"), "");
    const busy = await strata(["mount", temp(), full]);
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toContain("Directory is not empty");
  });

  it("serves its counters on --metrics-addr and logs them at -v", async () => {
    const mnt = temp();
    const running = await startMount(temp(), mnt, [
      "--cache-dir",
      temp(),
      "--metrics-addr",
      "127.0.0.1:0",
      "-v",
      "--stats",
      "200ms",
    ]);
    try {
      await writeFile(join(mnt, "f"), "12345");
      expect(await readFile(join(mnt, "f"), "utf8")).toBe("12345");
      const port = /metrics on port (\d+)/.exec(running.output())?.[1];
      expect(port, running.output()).toBeDefined();
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toMatch(/^strata_mount_written_bytes_total 5$/m);
      expect(text).toMatch(/^strata_mount_requests_total [1-9]\d*$/m);
      await waitFor("a stats line", async () =>
        /\d+ requests \(\d+ errors\), 5 B read, 5 B written/.test(running.output()),
      );
    } finally {
      expect(await running.stop(), running.output()).toBe(0);
    }
  });
});
