/**
 * rclone interop on the wire over OpenSSH: a file strata writes is listed by the real `rclone lsjson
 * --hash` with the same size, modtime and md5, and one rclone writes is listed by strata (library and
 * CLI) the same way.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { FsObject } from "../../src/fs/types.js";
import { filesByPath, hasRclone, type LsjsonItem, rclone, strata } from "../commands/run-cli.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import type { SshdServer } from "../servers/sshd.js";
import { randomSftpRoot, sftpRemote } from "./remote.js";

/** rclone's on-the-fly remote for the same server and root (no config file involved). */
const rcloneRemote = (s: SshdServer, root: string) =>
  `:sftp,host=${s.host},port=${s.port},user=${s.user},key_file=${s.keyFile},known_hosts_file=${s.knownHostsFile}:${root}`;

const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

let server: SshdServer;
const local = mkdtempSync(join(tmpdir(), "strata-sftp-interop-"));

beforeAll(async () => {
  server = await sharedServer("sshd");
});
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await stopSharedServers();
});

describe.runIf(hasRclone)("sftp interop with rclone", () => {
  it("rclone lsjson --hash shows what strata wrote: size, modtime, md5", async () => {
    const root = randomSftpRoot(server);
    const fs = await newFs(sftpRemote(server, root), createContext());
    const files = {
      "small.txt": Buffer.from("hello sftp\n"),
      "empty.bin": Buffer.alloc(0),
      "dir/sub/big.bin": randomBytes(3 * 1024 * 1024 + 17),
      "dir/name with spaces & 'quotes'.txt": Buffer.from("quoted"),
    };
    const modTime = new Date("2022-10-21T12:34:56Z");
    for (const [remote, data] of Object.entries(files))
      await fs.put(fromBytes(data), { remote, size: data.length, modTime });

    const r = await rclone(["lsjson", "--hash", "-R", rcloneRemote(server, root), "--config", "/dev/null"]);
    expect(r.code, r.stderr).toBe(0);
    const listed = filesByPath(JSON.parse(r.stdout) as LsjsonItem[]);
    expect([...listed.keys()].sort()).toEqual(Object.keys(files).sort());
    for (const [remote, data] of Object.entries(files)) {
      const item = listed.get(remote) as LsjsonItem;
      expect(item.Size, remote).toBe(data.length);
      expect(new Date(item.ModTime).getTime(), remote).toBe(modTime.getTime());
      expect(item.Hashes?.md5, remote).toBe(md5(data));
    }
  });

  it("strata lists what rclone copied: size, modtime, md5 (library and CLI)", async () => {
    const root = randomSftpRoot(server);
    const data = randomBytes(1024 * 1024 + 3);
    const src = join(local, "from-rclone.bin");
    writeFileSync(src, data);
    // A modtime with a fraction: SFTP keeps whole seconds, so both sides must show the truncated one.
    utimesSync(src, 1666355696.75, 1666355696.75);
    const r = await rclone(["copyto", src, `${rcloneRemote(server, root)}/in/copied.bin`, "--config", "/dev/null"]);
    expect(r.code, r.stderr).toBe(0);

    const fs = await newFs(sftpRemote(server, root), createContext());
    const [entry] = await fs.list("in");
    expect(entry?.kind).toBe("file");
    const o = entry as FsObject;
    expect(o.size).toBe(data.length);
    expect(o.modTime.getTime()).toBe(1666355696_000);
    expect(await o.hash("md5")).toBe(md5(data));

    const cli = await strata(["lsjson", "--hash", "-R", sftpRemote(server, root)]);
    expect(cli.code, cli.stderr).toBe(0);
    const item = filesByPath(JSON.parse(cli.stdout) as LsjsonItem[]).get("in/copied.bin") as LsjsonItem;
    expect(item.Size).toBe(data.length);
    expect(new Date(item.ModTime).getTime()).toBe(1666355696_000);
    expect(item.Hashes?.md5).toBe(md5(data));
  });
});
