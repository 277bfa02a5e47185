/**
 * Real rclone (its webdav backend, vendor other and rclone) copies, checks, syncs and deletes
 * through `strata serve webdav` over erasure(crypt(local)); strata then reads the stack directly.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-webdav-");

/** Seeded bytes, so a failure can be replayed. */
function seeded(seed: number, size: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe.runIf(hasRclone)("rclone's webdav backend against strata serve webdav over erasure(crypt(local))", () => {
  let server: StrataServer;
  let stack: string;
  let source: string;
  const remote = (vendor: string) => `:webdav,url='${server.url}',vendor=${vendor},user=alice,pass=${obscured}:`;
  let obscured = "";

  beforeAll(async () => {
    stack = erasureCryptStack(temp());
    source = temp();
    mkdirSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "big.bin"), seeded(1, 3 * 1024 * 1024 + 17));
    writeFileSync(join(source, "docs/readme.txt"), "hello over webdav\n");
    writeFileSync(join(source, "docs/deep/space name & more.txt"), seeded(2, 70_000));
    writeFileSync(join(source, "empty"), "");
    server = await startStrataServe("webdav", stack, ["--user", "alice", "--pass", "s3cret"]);
    obscured = (await rclone(["obscure", "s3cret"])).stdout.trim();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("copy, then check --download finds every file the same, and strata reads the stack directly", async () => {
    const copy = await rclone(["copy", source, `${remote("other")}dst`]);
    expect(copy.stderr).not.toMatch(/ERROR/);
    expect(copy.code).toBe(0);
    const check = await rclone(["check", "--download", source, `${remote("other")}dst`]);
    expect(check.stderr).toMatch(/0 differences found/);
    expect(check.code).toBe(0);
    const direct = await strata(["check", "--download", source, `${stack}dst`]);
    expect(direct.code, direct.stderr).toBe(0);
  });

  it("sync makes the remote match a changed source (vendor rclone: modtimes by X-OC-Mtime)", async () => {
    writeFileSync(join(source, "docs/readme.txt"), "changed\n");
    rmSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "new.dat"), randomBytes(0));
    const sync = await rclone(["sync", source, `${remote("rclone")}dst`]);
    expect(sync.code, sync.stderr).toBe(0);
    const check = await rclone(["check", "--download", source, `${remote("rclone")}dst`]);
    expect(check.code, check.stderr).toBe(0);
    const again = await rclone(["sync", "-v", source, `${remote("rclone")}dst`]);
    expect(again.stderr).toMatch(/There was nothing to transfer/);
    const listed = await rclone(["lsf", "-R", `${remote("other")}dst`]);
    expect(listed.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "big.bin",
      "docs/",
      "docs/readme.txt",
      "empty",
      "new.dat",
    ]);
  });

  it("delete removes every file", async () => {
    const del = await rclone(["delete", `${remote("other")}dst`]);
    expect(del.code, del.stderr).toBe(0);
    const listed = await rclone(["lsf", "-R", "--files-only", `${remote("other")}dst`]);
    expect(listed.stdout).toBe("");
    const direct = await strata(["lsf", "-R", "--files-only", `${stack}dst`]);
    expect(direct.stdout).toBe("");
  });
});
