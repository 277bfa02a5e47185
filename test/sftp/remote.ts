/**
 * Connection strings for the sftp backend's test servers. Roots are absolute (the server's data
 * directory plus a random subdirectory): hash commands run in the login's home directory while the
 * SFTP session starts in the data directory, and an absolute path means the same file to both.
 */
import { randomBytes } from "node:crypto";
import { quoteValue } from "../../src/fs/fspath.js";
import type { RcloneServeServer } from "../servers/rclone-serve.js";
import { sharedServer } from "../servers/shared.js";
import type { SshdServer } from "../servers/sshd.js";

/** A `:sftp,...:` remote string for `server`, rooted at `root` (absolute on the server). */
export function sftpRemote(server: SshdServer | RcloneServeServer, root: string, extra = ""): string {
  return (
    `:sftp,host=${server.host},port=${server.port},user=${quoteValue(server.user)},` +
    `key_file=${quoteValue(server.keyFile)},known_hosts_file=${quoteValue(server.knownHostsFile)}${extra}:${root}`
  );
}

/** A new random absolute root on `server` (not created). */
export function randomSftpRoot(server: SshdServer | RcloneServeServer): string {
  const sub = `conf-${randomBytes(6).toString("hex")}`;
  // rclone serve sftp's absolute paths start at the directory it serves.
  return "protocol" in server ? `/${sub}` : `${server.dataDir}/${sub}`;
}

/** A remote string on this test file's shared server of `kind`, at a new random root. */
export async function sharedSftpRemote(kind: "sshd" | "rcloneSftp" = "sshd"): Promise<string> {
  const server = await sharedServer(kind);
  // Without a VFS cache, rclone serve sftp cannot take writes out of order ("Illegal seek").
  return sftpRemote(server, randomSftpRoot(server), kind === "rcloneSftp" ? ",disable_concurrent_writes=true" : "");
}
