/**
 * erasure over real servers (3 × OpenSSH sftp, 2 buckets on one Ceph radosgw, 1 Apache WebDAV; k = 3,
 * m = 3), driven through the CLI as a user would: copy a tree, stop two servers by PID (Ceph holds two
 * shards, so three of six are gone), check and read everything back, restart them, wipe one sftp
 * server's shards and rebuild to full health.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { obscure } from "../../src/fs/obscure.js";
import { makeTree, strata } from "../commands/run-cli.js";
import { type ApacheServer, startApache } from "../servers/apache.js";
import { type CephServer, startCeph } from "../servers/ceph.js";
import { type SshdServer, startSshd } from "../servers/sshd.js";
import { tempDirs } from "../temp-dirs.js";

const dir = tempDirs("strata-ec-net-");

/** Seeded bytes that do not repeat within a segment. */
function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const TREE = {
  "empty.txt": "",
  "hello.txt": "hello, six servers\n",
  "docs/ünïcødé name.md": "# title\n\nbody\n",
  "data/one-segment.bin": bytes(1, 100_000),
  "data/multi-segment.bin": bytes(2, 700_000),
  "data/deep/odd-size.bin": bytes(3, 262_145),
};

describe("erasure over 3 sftp + 2 S3 buckets + 1 WebDAV (k = 3, m = 3)", () => {
  const sshds: SshdServer[] = [];
  let ceph: CephServer;
  let apache: ApacheServer;
  let config: string;
  let src: string;
  const run = (...args: string[]) => strata(["--config", config, ...args]);

  beforeAll(async () => {
    const [c, a, ...s] = await Promise.all([
      startCeph("ec-ceph"),
      startApache("ec-apache"),
      startSshd("ec-sshd1"),
      startSshd("ec-sshd2"),
      startSshd("ec-sshd3"),
    ]);
    [ceph, apache] = [c, a];
    sshds.push(...s);
    const remotes: Record<string, Record<string, unknown>> = {
      ceph: {
        type: "s3",
        provider: "Ceph",
        endpoint: ceph.endpoint,
        access_key_id: ceph.accessKeyId,
        secret_access_key: ceph.secretAccessKey,
        force_path_style: true,
      },
      dav: { type: "webdav", url: apache.url, vendor: "other", user: apache.user, pass: obscure(apache.pass) },
    };
    sshds.forEach((s, i) => {
      remotes[`sftp${i + 1}`] = {
        type: "sftp",
        host: s.host,
        port: s.port,
        user: s.user,
        key_file: s.keyFile,
        known_hosts_file: s.knownHostsFile,
      };
    });
    const upstreams = [
      ...sshds.map((s, i) => `sftp${i + 1}:${join(s.dataDir, "shards")}`),
      "ceph:strata-ec-a",
      "ceph:strata-ec-b",
      "dav:shards",
    ];
    remotes.grid = {
      type: "erasure",
      remotes: upstreams.join(" "),
      data_shards: 3,
      parity_shards: 3,
      segment_size: "256Ki",
    };
    config = join(dir(), "strata.json5");
    writeFileSync(config, JSON.stringify({ remotes }, null, 2));
    src = makeTree(TREE);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([ceph, apache, ...sshds].filter(Boolean).map((s) => s.destroy()));
    if (src) rmSync(src, { recursive: true, force: true });
  });

  it("copies, survives two stopped servers, and rebuilds a wiped one", async () => {
    for (const bucket of ["strata-ec-a", "strata-ec-b"]) expect((await run("mkdir", `ceph:${bucket}`)).code).toBe(0);
    const copy = await run("copy", src, "grid:");
    expect(copy.code, copy.stderr).toBe(0);
    const healthy = await run("erasure", "status", "grid:");
    expect(healthy.stdout.split("\n").at(-2)).toBe("6 files: 6 healthy, 0 degraded, 0 at risk, 0 unreadable");

    // Ceph (two shards of every file) and one sftp server: exactly k = 3 shards remain.
    await Promise.all([ceph.stop(), sshds[0]?.stop()]);
    const check = await run("check", "--download", src, "grid:");
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain("0 differences found");
    const cat = await run("cat", "grid:hello.txt");
    expect(cat.stdout).toBe(TREE["hello.txt"]);

    await Promise.all([ceph.start(), sshds[0]?.start()]);
    rmSync(join(sshds[1]?.dataDir as string, "shards"), { recursive: true, force: true });
    const degraded = await run("erasure", "status", "grid:");
    expect(degraded.stdout.split("\n").at(-2)).toBe("6 files: 0 healthy, 6 degraded, 0 at risk, 0 unreadable");
    const rebuild = await run("erasure", "rebuild", "grid:");
    expect(rebuild.code, rebuild.stderr).toBe(0);
    const verify = await run("erasure", "verify", "grid:");
    expect([verify.code, verify.stdout.split("\n").at(-2)]).toEqual([
      0,
      "6 files verified: 6 healthy, 0 degraded, 0 unreadable",
    ]);
    const after = await run("check", "--download", src, "grid:");
    expect(after.code, after.stderr).toBe(0);
  }, 180_000);
});
