/**
 * Issue 17, acceptance 2: a mount with --vfs-cache-mode writes is killed with SIGKILL while a file
 * is being written; every file closed before the kill is uploaded, whole, by the next mount over
 * the same --cache-dir.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { obscure } from "../../src/fs/obscure.js";
import { strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { fuseMissing } from "./fuse-available.js";
import { seededBytes, sh, startMount } from "./mount-cli.js";

const temp = tempDirs("strata-mount-kill-");
const FILES = 20;

describe.skipIf(fuseMissing)("mount killed with SIGKILL mid-write", () => {
  it("uploads every closed file after a restart over the same cache", async () => {
    const store = temp();
    const mnt = temp();
    const cache = temp();
    const expected = temp();
    const remote = `:crypt,remote=":chunker,remote=${store},chunk_size=1M:",password=${obscure("kill test")}:`;
    // A long write-back delay: nothing is uploaded before the kill, so only the journal can save the files.
    const first = await startMount(remote, mnt, [
      "--vfs-cache-mode",
      "writes",
      "--cache-dir",
      cache,
      "--vfs-write-back",
      "10m",
    ]);
    mkdirSync(join(expected, "sub"));
    await sh("mkdir", [join(mnt, "sub")]);
    for (let i = 0; i < FILES; i++) {
      const name = i % 4 === 0 ? `sub/f${i}.bin` : `f${i}.bin`;
      const data = seededBytes(i + 1, 50_000 + i * 97_003);
      writeFileSync(join(expected, name), data);
      await writeFile(join(mnt, name), data);
    }

    // A file still being written when the process dies.
    const open_ = await open(join(mnt, "in-flight.bin"), "w");
    const chunk = seededBytes(99, 1 << 20);
    let killed = false;
    const writing = (async () => {
      for (let i = 0; i < 1000 && !killed; i++) await open_.write(chunk);
    })().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    killed = true;
    first.child.kill("SIGKILL");
    await first.stop();
    await writing;
    await open_.close().catch(() => undefined);
    await sh("fusermount3", ["-uz", mnt]);
    const before = await strata(["lsf", "-R", "--files-only", remote]);
    expect(before.stdout, "nothing was uploaded before the kill").not.toMatch(/f\d+\.bin/);

    const second = await startMount(remote, mnt, [
      "--vfs-cache-mode",
      "writes",
      "--cache-dir",
      cache,
      "--vfs-write-back",
      "0s",
    ]);
    expect(await second.stop(), second.output()).toBe(0);

    const check = await strata(["check", "--download", "--one-way", expected, remote]);
    expect(check.code, check.stderr).toBe(0);
  }, 300_000);
});
