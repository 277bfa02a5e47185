/**
 * `rclone serve sftp|webdav` over a local directory, as a second server implementation next to
 * OpenSSH and Apache: on 127.0.0.1 and a free port, state in a throwaway directory, stopped by PID.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, type ServerHandle, serverDir, spawnLogged, stopPid, waitForPort } from "./process.js";

export type ServeProtocol = "sftp" | "webdav";

export interface RcloneServeServer extends ServerHandle {
  readonly protocol: ServeProtocol;
  readonly host: "127.0.0.1";
  /** The login, with `pass` (sftp: or with the key below; webdav: basic auth). */
  readonly user: string;
  readonly pass: string;
  /** The directory served; its paths are the server's absolute paths (`/` is this directory). */
  readonly dataDir: string;
  /** sftp: the client's private key file (ed25519, no passphrase). */
  readonly keyFile: string;
  /** sftp: a known_hosts file holding the server's host key. */
  readonly knownHostsFile: string;
  /** webdav: the root URL. */
  readonly url: string;
}

/** Starts `rclone serve <protocol>` on a free port; `name` tells several apart in logs. */
export async function startRcloneServe(
  protocol: ServeProtocol,
  name = `rclone-${protocol}`,
): Promise<RcloneServeServer> {
  const dir = serverDir(name);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const user = "strata";
  const pass = "secret";
  const keyFile = join(dir, "client_ed25519");
  const knownHostsFile = join(dir, "known_hosts");
  const args = ["serve", protocol, dataDir, "--addr", `127.0.0.1:${port}`, "--config", "/dev/null"];
  args.push("--user", user, "--pass", pass);
  if (protocol === "sftp") {
    const keygen = (file: string, comment: string) =>
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, file), "-C", comment]);
    keygen("host_ed25519", "strata-test-host");
    keygen("client_ed25519", "strata-test-client");
    writeFileSync(join(dir, "authorized_keys"), readFileSync(`${keyFile}.pub`));
    const hostKey = readFileSync(join(dir, "host_ed25519.pub"), "utf8").split(" ").slice(0, 2).join(" ");
    writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKey}\n`);
    args.push("--key", join(dir, "host_ed25519"), "--authorized-keys", join(dir, "authorized_keys"));
  }
  let pid = 0;
  const start = async () => {
    const child = spawnLogged("rclone", [...args, "--log-file", join(dir, "rclone.log")], join(dir, "stdout.log"));
    pid = child.pid ?? 0;
    await waitForPort(port);
  };
  await start();
  return {
    name,
    protocol,
    port,
    host: "127.0.0.1",
    user,
    pass,
    dataDir,
    keyFile,
    knownHostsFile,
    url: `http://127.0.0.1:${port}/`,
    pids: () => [pid],
    stop: (options) => stopPid(pid, 5_000, options?.hard ? "SIGKILL" : "SIGTERM"),
    start,
    async destroy() {
      await stopPid(pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
