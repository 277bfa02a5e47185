/**
 * The long tail over real servers (issue 16): shards cancelled while they stream to OpenSSH sftp,
 * Apache WebDAV and a Ceph S3 multipart upload leave nothing on those servers by the time the
 * upload returns: no `.partial` file, no temporary shard, no multipart upload in progress (asked of
 * rclone 1.60's `backend list-multipart-uploads`).
 */
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { obscure } from "../../src/fs/obscure.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { hasRclone, rclone } from "../commands/run-cli.js";
import { erasureSpec, openErasure, over } from "../integrity/erasure-shards.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { tempDirs } from "../temp-dirs.js";
import { SlowFs } from "./slow-fs.js";

const tempDir = tempDirs("strata-ec-tail-net-");
afterAll(stopSharedServers);
const MiB = 1 << 20;
const BUCKET = "strata-ec-tail";

/** Every name under `dir` on disk, hidden ones included; none when it does not exist. */
function namesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch {
    return [];
  }
}

describe("erasure(4+4) with slow sftp, WebDAV and S3 upstreams among local ones", () => {
  it.runIf(hasRclone)(
    "cancelled shards leave no partial file and no multipart upload",
    async () => {
      const [sshd, apache, ceph] = await Promise.all([
        sharedServer("sshd"),
        sharedServer("apache"),
        sharedServer("ceph"),
      ]);
      const s3 = `:s3,provider=Ceph,endpoint='${ceph.endpoint}',access_key_id=${ceph.accessKeyId},secret_access_key=${ceph.secretAccessKey},force_path_style=true`;
      const ctx = createContext();
      await (await newFs(`${s3}:`, ctx)).mkdir(BUCKET);
      const network = await Promise.all([
        newFs(
          `:sftp,host=${sshd.host},port=${sshd.port},user=${sshd.user},key_file='${sshd.keyFile}',known_hosts_file='${sshd.knownHostsFile}':${sshd.dataDir}/tail`,
          ctx,
        ),
        newFs(`:webdav,url='${apache.url}',vendor=other,user=${apache.user},pass=${obscure(apache.pass)}:tail`, ctx),
        // Shards of 8 MiB go up as multipart uploads of 5 MiB parts.
        newFs(`${s3},upload_cutoff=5Mi,chunk_size=5Mi:${BUCKET}/tail`, ctx),
      ]);
      // sftp and WebDAV crawl from the start; S3 sends its first part, then crawls.
      const slow = [
        new SlowFs(network[0], { writeBps: 64 << 10 }),
        new SlowFs(network[1], { writeBps: 64 << 10 }),
        new SlowFs(network[2], { writeBps: 64 << 10, fastBytes: 5.5 * MiB }),
      ];
      const dirs = Array.from({ length: 8 }, () => tempDir());
      const fs = over(await openErasure(erasureSpec(dirs, 4, "4Mi", ",optimal=5")), (u, i) =>
        i >= 4 && i <= 6 ? (slow[i - 4] as SlowFs) : u,
      );
      const data = seededBytes("tail over servers", 32 * MiB);
      await fs.put(fromBytes(data, MiB), { remote: "big.bin", size: data.length, modTime: new Date() });
      expect(fs.shardsNotStored).toBe(3);
      expect(slow.map((s) => s.active)).toEqual([0, 0, 0]);

      expect(namesUnder(`${sshd.dataDir}/tail`)).toEqual([]);
      expect(namesUnder(apache.dataDir).filter((n) => n.startsWith("tail/"))).toEqual([]);
      expect(await network[2].list("").catch(() => [])).toEqual([]);
      const remote = `${s3}:${BUCKET}`;
      // rclone's S3 client cannot load the CA bundle the environment may name; Ceph here is plain HTTP.
      const uploads = await rclone(["backend", "list-multipart-uploads", remote, "--config", "/dev/null"], {
        env: { AWS_CA_BUNDLE: undefined },
      });
      expect(uploads.code, uploads.stderr).toBe(0);
      expect(JSON.parse(uploads.stdout)).toEqual({ [BUCKET]: [] });
    },
    120_000,
  );
});
