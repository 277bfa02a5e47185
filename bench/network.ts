/**
 * The `network` bench target: one file of --big-mib MiB copied from local disk to each real server the
 * tests use (OpenSSH sftp, Ceph radosgw S3, Apache WebDAV), all on loopback, strata against rclone 1.60
 * with the same connection string. The servers are started here and stopped by PID when done.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { obscure } from "../src/fs/obscure.js";
import { s3Remote } from "../test/s3/remote.js";
import { startApache } from "../test/servers/apache.js";
import { startCeph } from "../test/servers/ceph.js";
import type { ServerHandle } from "../test/servers/process.js";
import { startSshd } from "../test/servers/sshd.js";
import { bigFile, warm } from "./workloads.js";

export interface NetworkBench {
  work: string;
  bigMib: number;
  env: NodeJS.ProcessEnv;
  /** Times strata and rclone alternately (see run.ts) and prints a row. */
  compare(name: string, cmd: string[], prepare: () => void, extra?: { bytes?: number }): void;
}

/** A server to copy to: the destination as a connection string both tools read, and how to empty it. */
interface Target {
  label: string;
  server: ServerHandle;
  remote: string;
  clear(): void;
}

async function sftpTarget(): Promise<Target> {
  const server = await startSshd("bench-sshd");
  const dir = join(server.dataDir, "bench");
  return {
    label: "sftp (OpenSSH)",
    server,
    remote: `:sftp,host=127.0.0.1,port=${server.port},user=${server.user},key_file=${server.keyFile},known_hosts_file=${server.knownHostsFile}:${dir}`,
    clear: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function s3Target(env: NodeJS.ProcessEnv, bytes: number): () => Promise<Target> {
  return async () => {
    // radosgw's OSD keeps objects in memory: room for the file while its parts are assembled.
    const server = await startCeph("bench-ceph", Math.max(1 << 30, 3 * bytes));
    const remote = s3Remote(server, "bench");
    return {
      label: "s3 (Ceph radosgw)",
      server,
      remote,
      clear: () => {
        // Both tools create the bucket when it is missing (purge fails when it is: no matter), and
        // the garbage collector frees the deleted data now rather than while the next run writes.
        spawnSync("rclone", ["purge", remote], { env, stdio: "ignore" });
        execFileSync("radosgw-admin", ["-c", server.confFile, "gc", "process", "--include-all"], { stdio: "ignore" });
      },
    };
  };
}

async function webdavTarget(): Promise<Target> {
  const server = await startApache("bench-apache");
  return {
    label: "webdav (Apache)",
    server,
    remote: `:webdav,url='${server.url}',vendor=other,user=${server.user},pass=${obscure(server.pass)}:bench`,
    clear: () => rmSync(join(server.dataDir, "bench"), { recursive: true, force: true }),
  };
}

export async function benchNetwork(b: NetworkBench): Promise<void> {
  const src = join(b.work, "net-src");
  const size = b.bigMib * 1024 * 1024;
  bigFile(join(src, "big.bin"), size);
  const targets: Target[] = [];
  try {
    for (const start of [sftpTarget, s3Target(b.env, size), webdavTarget]) {
      const target = await start();
      targets.push(target);
      b.compare(
        `${b.bigMib} MiB local → ${target.label}`,
        ["copy", src, target.remote],
        () => {
          target.clear();
          warm(src);
        },
        { bytes: size },
      );
    }
  } finally {
    await Promise.all(targets.map((t) => t.server.destroy()));
    rmSync(src, { recursive: true, force: true });
  }
}
