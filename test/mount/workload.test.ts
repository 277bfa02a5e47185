/**
 * Issue 17, acceptance 1: crypt(chunker(local)) mounted through the kernel takes a real workload
 * (cp -r of 500 files and a 200 MB one, diff -r, rsync -a, sqlite3, tar in and out); after the
 * unmount `strata check --download` finds the store equal to the source and real rclone, given the
 * same connection string, lists and checks it.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { obscure } from "../../src/fs/obscure.js";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { fuseMissing } from "./fuse-available.js";
import { seededBytes, sh, startMount } from "./mount-cli.js";

const temp = tempDirs("strata-mount-work-");
const BIG = 200 * 1024 * 1024;

/** 50 directories of 10 files, 0–64 KiB each (seeded), and big.bin. */
function makeSource(dir: string): void {
  let seed = 1;
  for (let d = 0; d < 50; d++) {
    mkdirSync(join(dir, `dir-${d}`, "inner"), { recursive: true });
    for (let f = 0; f < 10; f++) {
      const size = (seed * 7919) % 65536;
      writeFileSync(join(dir, `dir-${d}`, f % 2 ? "inner" : "", `file-${f}.dat`), seededBytes(seed++, size));
    }
  }
  writeFileSync(join(dir, "big.bin"), seededBytes(seed, BIG));
}

describe.skipIf(fuseMissing)("mount crypt(chunker(local)) under a real workload", () => {
  it("copies, diffs, rsyncs, runs sqlite3 and tar, and leaves a store strata and rclone check clean", async () => {
    const src = temp();
    const store = temp();
    const mnt = temp();
    const cache = temp();
    const out = temp();
    makeSource(src);
    const remote = `:crypt,remote=":chunker,remote=${store},chunk_size=64M:",password=${obscure("mount test")}:`;
    const mount = await startMount(remote, mnt, ["--vfs-cache-mode", "writes", "--cache-dir", cache]);
    try {
      await sh("cp", ["-r", src, join(mnt, "tree")]);
      await sh("diff", ["-r", src, join(mnt, "tree")]);

      // Change the source (rewrite, add, delete), then rsync it over the mounted copy.
      writeFileSync(join(src, "dir-3", "file-0.dat"), seededBytes(9001, 40_000));
      writeFileSync(join(src, "dir-4", "new.txt"), "added after the copy\n");
      rmSync(join(src, "dir-5", "file-2.dat"));
      await sh("rsync", ["-a", "--delete", `${src}/`, join(mnt, "tree/")]);
      await sh("diff", ["-r", src, join(mnt, "tree")]);

      const db = join(mnt, "db.sqlite");
      await sh("sqlite3", [
        db,
        "CREATE TABLE t(n INTEGER PRIMARY KEY, sq INTEGER);" +
          "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000) INSERT INTO t SELECT x, x * x FROM c;" +
          "CREATE INDEX t_sq ON t(sq);",
      ]);
      const query = await sh("sqlite3", [db, "SELECT count(*), sum(n) FROM t WHERE sq > 100;"]);
      expect(query.stdout.trim()).toBe(`9990|${(10000 * 10001) / 2 - 55}`);

      await sh("tar", ["cf", join(mnt, "tree.tar"), "-C", src, "."]);
      await sh("tar", ["xf", join(mnt, "tree.tar"), "-C", out]);
      await sh("diff", ["-r", src, out]);
    } finally {
      expect(await mount.stop(), mount.output()).toBe(0);
    }

    const check = await strata(["check", "--download", src, `${remote}tree`]);
    expect(check.code, check.stderr).toBe(0);
    const listed = await strata(["lsf", remote]);
    expect(listed.stdout.split("\n").sort()).toEqual(["", "db.sqlite", "tree.tar", "tree/"]);
    if (hasRclone) {
      const rcloneList = await rclone(["lsf", "-R", "--files-only", `${remote}tree`]);
      expect(rcloneList.code, rcloneList.stderr).toBe(0);
      expect(rcloneList.stdout.split("\n").filter((l) => l !== "")).toHaveLength(501);
      const rcloneCheck = await rclone(["check", "--download", src, `${remote}tree`]);
      expect(rcloneCheck.code, rcloneCheck.stderr).toBe(0);
    }
  }, 900_000);
});
