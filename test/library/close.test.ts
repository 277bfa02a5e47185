/**
 * closeAll releases the network connections of the sftp, webdav and s3 backends (real servers on
 * 127.0.0.1), so a program that is done with strata exits without waiting on them.
 */

import { readFileSync } from "node:fs";
import { closeAll, createContext, fromBytes, newFs } from "strata";
import { afterAll, describe, expect, it } from "vitest";
import { randomBucket, s3Remote } from "../s3/remote.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { sharedSftpRemote } from "../sftp/remote.js";
import { randomRoot, webdavRemote } from "../webdav/remote.js";

afterAll(stopSharedServers);

/** This process's established connections to 127.0.0.1:`port` (the server's side is not counted). */
function connectionsTo(port: number): number {
  const rows = [readFileSync("/proc/net/tcp", "utf8"), readFileSync("/proc/net/tcp6", "utf8")].join("\n");
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return rows.split("\n").filter((row) => {
    const [, , remote, state] = row.trim().split(/\s+/);
    return remote?.endsWith(`:${hexPort}`) && state === "01";
  }).length;
}

/** Waits a moment (closing is immediate; a server ending idle connections takes seconds) for the connections to `port` to be gone. */
async function connectionsLeft(port: number): Promise<number> {
  for (let i = 0; i < 10 && connectionsTo(port) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return connectionsTo(port);
}

const remotes: [string, () => Promise<{ spec: string; port: number }>][] = [
  ["sftp", async () => ({ spec: await sharedSftpRemote(), port: (await sharedServer("sshd")).port })],
  [
    "webdav",
    async () => {
      const server = await sharedServer("apache");
      return { spec: webdavRemote(server, randomRoot()), port: server.port };
    },
  ],
  [
    "s3",
    async () => {
      const server = await sharedServer("ceph");
      return { spec: s3Remote(server, randomBucket()), port: Number(new URL(server.endpoint).port) };
    },
  ],
];

describe("closeAll", () => {
  for (const [label, remote] of remotes) {
    it(`closes the connections of ${label}`, async () => {
      const { spec, port } = await remote();
      const ctx = createContext();
      const fs = await newFs(spec, ctx);
      await fs.mkdir("");
      const data = new Uint8Array(10_000).fill(1);
      await fs.put(fromBytes(data), { remote: "f", size: data.length, modTime: new Date() });
      await fs.list("");
      expect(connectionsTo(port)).toBeGreaterThan(0);
      await closeAll(ctx);
      expect(ctx.cache.size).toBe(0);
      expect(await connectionsLeft(port)).toBe(0);
    });
  }
});
