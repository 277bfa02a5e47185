/**
 * An extra OpenSSH sshd instance for the sftp backend's tests: its own host key, client key and
 * config, sftp only, on 127.0.0.1 and a free port (never the system's sshd or port 22).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { descendants, freePort, type ServerHandle, serverDir, spawnLogged, stopTree, waitForPort } from "./process.js";

export const SSHD = "/usr/sbin/sshd";

export interface SshdServer extends ServerHandle {
  readonly host: "127.0.0.1";
  readonly user: string;
  /** The client's private key file (ed25519, no passphrase). */
  readonly keyFile: string;
  /** A known_hosts file holding this server's host key. */
  readonly knownHostsFile: string;
  /** The directory sftp paths are relative to. */
  readonly dataDir: string;
}

/** Starts an sshd on a free port; `name` tells several apart in logs. */
export async function startSshd(name = "sshd"): Promise<SshdServer> {
  const dir = serverDir(name);
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const port = await freePort();
  const user = userInfo().username;
  const keygen = (file: string, comment: string) =>
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", join(dir, file), "-C", comment]);
  keygen("host_ed25519", "strata-test-host");
  keygen("client_ed25519", "strata-test-client");
  writeFileSync(join(dir, "authorized_keys"), readFileSync(join(dir, "client_ed25519.pub")));
  const hostKey = readFileSync(join(dir, "host_ed25519.pub"), "utf8").split(" ").slice(0, 2).join(" ");
  writeFileSync(join(dir, "known_hosts"), `[127.0.0.1]:${port} ${hostKey}\n`);
  const config = join(dir, "sshd_config");
  writeFileSync(
    config,
    [
      `Port ${port}`,
      "ListenAddress 127.0.0.1",
      `HostKey ${join(dir, "host_ed25519")}`,
      `PidFile ${join(dir, "sshd.pid")}`,
      `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
      `AllowUsers ${user}`,
      "PubkeyAuthentication yes",
      "PasswordAuthentication no",
      "KbdInteractiveAuthentication no",
      "PermitRootLogin prohibit-password",
      "UsePAM no",
      // The key files live in a temp dir whose modes sshd would otherwise reject.
      "StrictModes no",
      "X11Forwarding no",
      "AllowTcpForwarding no",
      "PermitTTY no",
      // The sftp backend hashes through the remote shell (md5sum/sha1sum) as rclone does, so
      // commands are allowed; the shell starts in the data directory like the sftp subsystem.
      `Subsystem sftp internal-sftp -d ${dataDir}`,
      "MaxStartups 100",
      "MaxSessions 100",
      "LogLevel ERROR",
      "",
    ].join("\n"),
  );
  // As root, sshd needs the privilege-separation directory Debian's init script would create.
  if (process.getuid?.() === 0) mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  execFileSync(SSHD, ["-t", "-f", config]);

  let pid = 0;
  const start = async () => {
    const child = spawnLogged(SSHD, ["-D", "-e", "-f", config], join(dir, "sshd.log"));
    pid = child.pid ?? 0;
    await waitForPort(port);
  };
  await start();
  return {
    name,
    port,
    host: "127.0.0.1",
    user,
    keyFile: join(dir, "client_ed25519"),
    knownHostsFile: join(dir, "known_hosts"),
    dataDir,
    // The listener forks one process (and its privilege-separated children) per connection, and
    // those outlive it: stopping the server stops them too, as a crashed machine would.
    pids: () => [pid, ...descendants(pid)],
    stop: (options) => stopTree(pid, options?.hard ?? false),
    start,
    async destroy() {
      await stopTree(pid, false);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
