/**
 * Faults over OpenSSH, each test with its own sshd: the server killed mid-upload (the put fails with
 * a temporary error and no file appears under the final name; the CLI retries through to a whole
 * file once the server is back), and refused credentials or host keys (fatal, never retried); password
 * logins against rclone serve sftp, which takes them.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { obscure } from "../../src/fs/obscure.js";
import { strata } from "../commands/run-cli.js";
import { copyAcrossRestart, namesIn } from "../servers/cut-copy.js";
import { type RcloneServeServer, startRcloneServe } from "../servers/rclone-serve.js";
import { type SshdServer, startSshd } from "../servers/sshd.js";
import { slowBody } from "../slow-body.js";
import { tempDirs } from "../temp-dirs.js";
import { sftpRemote } from "./remote.js";

const MiB = 1024 * 1024;
const tempDir = tempDirs("strata-sftp-faults-");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

const servers: SshdServer[] = [];
async function sshd(name: string): Promise<SshdServer> {
  const s = await startSshd(name);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.destroy()));
});

describe("sftp faults", () => {
  it("a server killed mid-upload fails the put with Transient; no file under the final name; the remote reconnects and cleanUp removes the partial", async () => {
    const server = await sshd("sftp-kill");
    const root = `${server.dataDir}/kill`;
    const fs = await newFs(sftpRemote(server, root), createContext());
    const { body, reached: halfway } = slowBody(30 * MiB, 8 * MiB);
    const put = fs.put(body, { remote: "dir/big.bin", size: 30 * MiB, modTime: new Date() });
    put.catch(() => undefined);
    await halfway;
    await server.stop({ hard: true });
    const err = await put.then(
      () => undefined,
      (e) => e,
    );
    expect(isFsError(err, "Transient"), String(err)).toBe(true);
    expect(err.retry).toBe("temporary");

    // The partial upload stays on disk under its hidden temporary name only.
    const onDisk = namesIn(join(root, "dir"));
    expect(onDisk).not.toContain("big.bin");
    expect(onDisk.some((n) => /^\.strata-[0-9a-f]{12}\.partial$/.test(n))).toBe(true);

    // While the server is down a call fails as temporary; once it is back the same remote reconnects.
    await expect(fs.list("dir")).rejects.toMatchObject({ code: "Transient", retry: "temporary" });
    await server.start();
    await expect(fs.newObject("dir/big.bin")).rejects.toMatchObject({ code: "ObjectNotFound" });
    expect(await fs.list("dir")).toEqual([]);
    await fs.features.cleanUp?.();
    expect(namesIn(join(root, "dir"))).toEqual([]);
  });

  it("the CLI retries an upload cut by a killed server once it is back, leaving one whole file", async () => {
    const server = await sshd("sftp-cli-kill");
    const root = `${server.dataDir}/retry`;
    const dst = sftpRemote(server, root);
    // The partial file appears in the target directory once the upload is under way.
    const { result, data } = await copyAcrossRestart(server, tempDir(), dst, root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/low level retry 1\/10/);
    const fs = await newFs(dst, createContext());
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["big.bin"]);
    expect(sha256(await toBytes(await (await fs.newObject("big.bin")).open()))).toBe(sha256(data));

    // The cut attempt's temporary file is left for cleanup, which removes it and nothing else.
    expect(namesIn(root).filter((n) => n !== "big.bin").length).toBe(1);
    const cleanup = await strata(["cleanup", dst]);
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(namesIn(root)).toEqual(["big.bin"]);
  });

  /** Opening `remote` fails with AuthFailed (fatal), and the CLI exits 7 without a retry. */
  async function expectRefusedWithoutRetry(remote: string): Promise<void> {
    const err = await newFs(remote, createContext()).then(
      () => undefined,
      (e) => e,
    );
    expect(isFsError(err, "AuthFailed"), String(err)).toBe(true);
    expect(err.retry).toBe("fatal");
    const result = await strata(["lsjson", remote, "-vv"]);
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).not.toMatch(/retry/);
  }

  it("a key the server does not accept fails with AuthFailed (fatal); the CLI exits 7 without retrying", async () => {
    const server = await sshd("sftp-badkey");
    const dir = tempDir();
    const wrongKey = join(dir, "wrong_ed25519");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", wrongKey]);
    const remote = sftpRemote({ ...server, keyFile: wrongKey }, server.dataDir);
    await expectRefusedWithoutRetry(remote);
  });

  it("a host key missing from known_hosts_file fails with AuthFailed (fatal); the CLI exits 7 without retrying", async () => {
    const server = await sshd("sftp-hostkey");
    const other = await sshd("sftp-hostkey-other");
    // The other server's known_hosts holds its own host key, under this server's port.
    const knownHosts = join(tempDir(), "known_hosts");
    const otherKey = readFileSync(other.knownHostsFile, "utf8").split(" ").slice(1).join(" ");
    writeFileSync(knownHosts, `[127.0.0.1]:${server.port} ${otherKey}`);
    const remote = sftpRemote({ ...server, knownHostsFile: knownHosts }, server.dataDir);
    await expectRefusedWithoutRetry(remote);
  });
});

describe("sftp password login (rclone serve sftp)", () => {
  let server: RcloneServeServer;
  beforeAll(async () => {
    server = await startRcloneServe("sftp", "sftp-password");
  });
  afterAll(async () => {
    await server?.destroy();
  });
  const remote = (pass: string) =>
    `:sftp,host=${server.host},port=${server.port},user=${server.user},pass=${obscure(pass)},known_hosts_file=${quoteValue(server.knownHostsFile)}:/`;

  it("logs in with the obscured password", async () => {
    const fs = await newFs(remote(server.pass), createContext());
    expect(await fs.list("")).toEqual([]);
  });

  it("a wrong password fails with AuthFailed (fatal)", async () => {
    const err = await newFs(remote("wrong"), createContext()).then(
      () => undefined,
      (e) => e,
    );
    expect(isFsError(err, "AuthFailed"), String(err)).toBe(true);
    expect(err.retry).toBe("fatal");
  });
});
