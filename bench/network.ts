/**
 * The `network` bench target: one file of --big-mib MiB copied from local disk to each real server the
 * tests use (OpenSSH sftp, Ceph radosgw S3, Apache WebDAV), all on loopback, strata against rclone 1.60
 * with the same connection string. The servers are started here and stopped by PID when done.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { obscure } from "../src/fs/obscure.js";
import { startApache } from "../test/servers/apache.js";
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
    for (const start of [sftpTarget, webdavTarget]) {
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
