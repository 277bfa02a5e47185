/**
 * `strata serve sftp` over erasure(crypt(local)): real rclone (its sftp backend) copies, checks,
 * syncs and deletes through it; logins by password and key, wrong ones refused; `..` never leaves
 * the served root; an upload cut off before CLOSE leaves no file.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client, type SFTPWrapper } from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededBytes } from "../../bench/workloads.js";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-sftp-");

/** An SFTP session of an ssh2 client logged in as alice with `password`. */
function sftpSession(port: number, password: string): Promise<{ client: Client; sftp: SFTPWrapper }> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once("error", reject);
    client.once("ready", () =>
      client.sftp((err, sftp) => (err ? reject(err) : resolve({ client, sftp: sftp as SFTPWrapper }))),
    );
    client.connect({ host: "127.0.0.1", port, username: "alice", password });
  });
}

const call = <T>(fn: (cb: (err: Error | null | undefined, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

describe.runIf(hasRclone)("strata serve sftp over erasure(crypt(local))", () => {
  let server: StrataServer;
  let port = 0;
  let stack: string;
  let source: string;
  let keyDir: string;
  let obscured = "";
  const remote = () => `:sftp,host=127.0.0.1,port=${port},user=alice,pass=${obscured}:`;

  beforeAll(async () => {
    stack = erasureCryptStack(temp());
    source = temp();
    keyDir = temp();
    mkdirSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "big.bin"), seededBytes("1", 3 * 1024 * 1024 + 17));
    writeFileSync(join(source, "docs/readme.txt"), "hello over sftp\n");
    writeFileSync(join(source, "docs/deep/space name & more.txt"), seededBytes("2", 70_000));
    writeFileSync(join(source, "empty"), "");
    const keygen = (name: string) =>
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(keyDir, name), "-C", name]);
    keygen("host");
    keygen("client");
    keygen("stranger");
    writeFileSync(join(keyDir, "authorized_keys"), readFileSync(join(keyDir, "client.pub")));
    server = await startStrataServe("sftp", stack, [
      ...["--user", "alice", "--pass", "s3cret", "--key", join(keyDir, "host")],
      ...["--authorized-keys", join(keyDir, "authorized_keys")],
    ]);
    port = Number(new URL(server.url).port);
    obscured = (await rclone(["obscure", "s3cret"])).stdout.trim();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("rclone copies, and check --download finds every file the same; strata reads the stack directly", async () => {
    const copy = await rclone(["copy", source, `${remote()}dst`]);
    expect(copy.code, copy.stderr).toBe(0);
    const check = await rclone(["check", "--download", source, `${remote()}dst`]);
    expect(check.stderr).toMatch(/0 differences found/);
    expect(check.code).toBe(0);
    // Without --download rclone compares md5s, which it gets by running md5sum on the server.
    const byHash = await rclone(["check", source, `${remote()}dst`]);
    expect(byHash.code, byHash.stderr).toBe(0);
    const direct = await strata(["check", "--download", source, `${stack}dst`]);
    expect(direct.code, direct.stderr).toBe(0);
  });

  it("rclone sync makes the remote match a changed source, modtimes included", async () => {
    writeFileSync(join(source, "docs/readme.txt"), "changed\n");
    rmSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "new.dat"), seededBytes("3", 1000));
    const sync = await rclone(["sync", source, `${remote()}dst`]);
    expect(sync.code, sync.stderr).toBe(0);
    const check = await rclone(["check", "--download", source, `${remote()}dst`]);
    expect(check.code, check.stderr).toBe(0);
    const again = await rclone(["sync", "-v", source, `${remote()}dst`]);
    expect(again.stderr).toMatch(/There was nothing to transfer/);
  });

  it("rclone delete removes every file", async () => {
    const del = await rclone(["delete", `${remote()}dst`]);
    expect(del.code, del.stderr).toBe(0);
    const direct = await strata(["lsf", "-R", "--files-only", `${stack}dst`]);
    expect(direct.stdout).toBe("");
  });

  it("logs in with an authorized key; refuses a wrong password and a key not in the file", async () => {
    const withKey = await rclone([
      "lsf",
      `:sftp,host=127.0.0.1,port=${port},user=alice,key_file=${join(keyDir, "client")}:`,
    ]);
    expect(withKey.code, withKey.stderr).toBe(0);
    const wrongPass = await rclone([
      "lsf",
      "--low-level-retries",
      "1",
      "--retries",
      "1",
      remote().replace(obscured, (await rclone(["obscure", "nope"])).stdout.trim()),
    ]);
    expect(wrongPass.code).not.toBe(0);
    expect(wrongPass.stderr).toMatch(/unable to authenticate/);
    const stranger = await rclone([
      ...["lsf", "--low-level-retries", "1", "--retries", "1"],
      `:sftp,host=127.0.0.1,port=${port},user=alice,key_file=${join(keyDir, "stranger")}:`,
    ]);
    expect(stranger.code).not.toBe(0);
    await expect(sftpSession(port, "wrong")).rejects.toThrow(/authentication/i);
  });

  it("resolves .. at the served root: nothing outside it can be read, listed or written", async () => {
    const { client, sftp } = await sftpSession(port, "s3cret");
    try {
      await call<void>((cb) => sftp.mkdir("/inside", (err) => cb(err, undefined)));
      expect(await call<string>((cb) => sftp.realpath("/../../..", cb))).toBe("/");
      const root = await call<{ filename: string }[]>((cb) => sftp.readdir("/../../../", cb));
      expect(root.map((e) => e.filename)).toContain("inside");
      // Status 2: SSH_FX_NO_SUCH_FILE.
      await expect(call((cb) => sftp.stat("/../../../etc/passwd", cb))).rejects.toMatchObject({ code: 2 });
      await expect(call((cb) => sftp.stat("../etc/hostname", cb))).rejects.toMatchObject({ code: 2 });
      await call<void>((cb) => sftp.writeFile("/../../escaped.txt", "x", (err) => cb(err, undefined)));
      const direct = await strata(["lsf", stack]);
      expect(direct.stdout.split("\n")).toContain("escaped.txt");
    } finally {
      client.end();
    }
  });

  it("an upload cut off before CLOSE leaves no file; a rewrite of written bytes is refused", async () => {
    const { client, sftp } = await sftpSession(port, "s3cret");
    const handle = await call<Buffer>((cb) => sftp.open("/cut.bin", "w", cb));
    const data = seededBytes("4", 200_000);
    await call<void>((cb) => sftp.write(handle, data, 0, data.length, 0, (err) => cb(err, undefined)));
    await expect(call<void>((cb) => sftp.write(handle, data, 0, 10, 5, (err) => cb(err, undefined)))).rejects.toThrow(
      /written in order/,
    );
    client.end();
    await new Promise<void>((r) => client.once("close", () => r()));
    const listed = await strata(["lsf", stack]);
    expect(listed.stdout.split("\n")).not.toContain("cut.bin");
  });

  it("reads ranges at any offset", async () => {
    const { client, sftp } = await sftpSession(port, "s3cret");
    try {
      const data = seededBytes("5", 300_000);
      await call<void>((cb) => sftp.writeFile("/ranged.bin", data, (err) => cb(err, undefined)));
      const handle = await call<Buffer>((cb) => sftp.open("/ranged.bin", "r", cb));
      const readAt = (offset: number, length: number) =>
        call<Buffer>((cb) => {
          const buf = Buffer.alloc(length);
          sftp.read(handle, buf, 0, length, offset, (err, n) => cb(err, buf.subarray(0, n)));
        });
      expect(await readAt(250_000, 1000)).toEqual(data.subarray(250_000, 251_000));
      expect(await readAt(10, 1000)).toEqual(data.subarray(10, 1010));
      expect(await readAt(1010, 500)).toEqual(data.subarray(1010, 1510));
      await call<void>((cb) => sftp.close(handle, (err) => cb(err, undefined)));
    } finally {
      client.end();
    }
  });
});
