/**
 * Servers shared by the tests of one test file (one process): each kind is started on first use and
 * stopped by `stopSharedServers` in the file's `afterAll`. Tests that stop or kill a server start their
 * own instance instead, so they never disturb another test's server.
 */
import { type ApacheServer, startApache } from "./apache.js";
import { type CephServer, startCeph } from "./ceph.js";
import type { ServerHandle } from "./process.js";
import { type RcloneServeServer, startRcloneServe } from "./rclone-serve.js";
import { type SshdServer, startSshd } from "./sshd.js";

interface SharedKinds {
  apache: ApacheServer;
  ceph: CephServer;
  rcloneWebdav: RcloneServeServer;
  sshd: SshdServer;
  rcloneSftp: RcloneServeServer;
}

const starters: { [K in keyof SharedKinds]: () => Promise<SharedKinds[K]> } = {
  apache: () => startApache("shared-apache"),
  ceph: () => startCeph("shared-ceph"),
  rcloneWebdav: () => startRcloneServe("webdav", "shared-rclone-webdav"),
  sshd: () => startSshd("shared-sshd"),
  rcloneSftp: () => startRcloneServe("sftp", "shared-rclone-sftp"),
};

const started = new Map<keyof SharedKinds, Promise<ServerHandle>>();

/** The file's server of this kind, started on the first call. */
export function sharedServer<K extends keyof SharedKinds>(kind: K): Promise<SharedKinds[K]> {
  let server = started.get(kind);
  if (!server) {
    server = starters[kind]();
    started.set(kind, server);
  }
  return server as Promise<SharedKinds[K]>;
}

/** Stops and removes every server this file started. */
export async function stopSharedServers(): Promise<void> {
  const servers = [...started.values()];
  started.clear();
  await Promise.all(servers.map(async (s) => (await s.catch(() => undefined))?.destroy()));
}
