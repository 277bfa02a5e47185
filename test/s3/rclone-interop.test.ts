/**
 * rclone interop on the wire over Ceph radosgw: files strata writes (single-part and multipart) are
 * listed by the real `rclone lsjson --hash` with the same size, modtime and md5, and files rclone
 * writes (copyto, rcat) are listed by strata the same way.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { modTimeOf } from "../../src/fs/modtime.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { FsObject } from "../../src/fs/types.js";
import { filesByPath, hasRclone, type LsjsonItem, rclone } from "../commands/run-cli.js";
import type { CephServer } from "../servers/ceph.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { randomBucket, s3Remote } from "./remote.js";

const MiB = 1024 * 1024;
const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

/** rclone's on-the-fly remote for the same bucket; the endpoint is quoted for its colons. */
const rcloneRemote = (s: CephServer, path: string) =>
  `:s3,provider=Ceph,endpoint='${s.endpoint}',access_key_id=${s.accessKeyId},secret_access_key=${s.secretAccessKey},force_path_style=true:${path}`;
/** rclone 1.60's s3 backend refuses to start while AWS_CA_BUNDLE is set, as it is on this machine. */
const runRclone = (args: string[]) => rclone([...args, "--config", "/dev/null"], { env: { AWS_CA_BUNDLE: undefined } });

let server: CephServer;
const local = mkdtempSync(join(tmpdir(), "strata-s3-interop-"));

beforeAll(async () => {
  server = await sharedServer("ceph");
});
afterAll(async () => {
  rmSync(local, { recursive: true, force: true });
  await stopSharedServers();
});

describe.runIf(hasRclone)("s3 interop with rclone", () => {
  it("rclone lsjson --hash shows what strata wrote: size, modtime, md5 (single-part and multipart)", async () => {
    const bucket = randomBucket();
    // A lowered cutoff sends the 11 MiB file as a multipart upload of three 5 MiB parts.
    const fs = await newFs(s3Remote(server, bucket, ",upload_cutoff=1Mi,chunk_size=5Mi"), createContext());
    const files = {
      "small.txt": Buffer.from("hello s3\n"),
      "empty.bin": Buffer.alloc(0),
      "dir/sub/multipart.bin": randomBytes(11 * MiB + 17),
      "dir/name with spaces & 'quotes'.txt": Buffer.from("quoted"),
    };
    const modTime = new Date("2022-10-21T12:34:56.789Z");
    for (const [remote, data] of Object.entries(files))
      await fs.put(fromBytes(data), { remote, size: data.length, modTime });
    // And one of unknown size, streamed as multipart: its md5 is stored after the upload.
    const streamed = randomBytes(6 * MiB);
    await fs.features.putStream?.(fromBytes(streamed), { remote: "streamed.bin", size: -1, modTime });

    const r = await runRclone(["lsjson", "--hash", "-R", rcloneRemote(server, bucket)]);
    expect(r.code, r.stderr).toBe(0);
    const listed = filesByPath(JSON.parse(r.stdout) as LsjsonItem[]);
    const all: Record<string, Uint8Array> = { ...files, "streamed.bin": streamed };
    expect([...listed.keys()].sort()).toEqual(Object.keys(all).sort());
    for (const [remote, data] of Object.entries(all)) {
      const item = listed.get(remote) as LsjsonItem;
      expect(item.Size, remote).toBe(data.length);
      expect(new Date(item.ModTime).getTime(), remote).toBe(modTime.getTime());
      expect(item.Hashes?.md5, remote).toBe(md5(data));
    }
  });

  it("strata lists what rclone wrote with copyto and rcat: size, modtime, md5", async () => {
    const bucket = randomBucket();
    const data = randomBytes(MiB + 3);
    const src = join(local, "from-rclone.bin");
    writeFileSync(src, data);
    utimesSync(src, 1666355696.25, 1666355696.25);
    let r = await runRclone(["mkdir", rcloneRemote(server, bucket)]);
    expect(r.code, r.stderr).toBe(0);
    r = await runRclone(["copyto", src, `${rcloneRemote(server, bucket)}/in/copied.bin`]);
    expect(r.code, r.stderr).toBe(0);
    // rcat buffers input below its 100 KiB streaming cutoff and uploads it in one PutObject.
    const piped = randomBytes(50 * 1024);
    r = await rclone(["rcat", `${rcloneRemote(server, bucket)}/in/piped.bin`, "--config", "/dev/null"], {
      env: { AWS_CA_BUNDLE: undefined },
      input: piped,
    });
    expect(r.code, r.stderr).toBe(0);
    r = await runRclone(["lsjson", "--hash", "-R", rcloneRemote(server, bucket)]);
    expect(r.code, r.stderr).toBe(0);
    const theirs = filesByPath(JSON.parse(r.stdout) as LsjsonItem[]);

    const fs = await newFs(s3Remote(server, bucket), createContext());
    const entries = (await fs.list("in")) as FsObject[];
    expect(entries.map((e) => e.remote).sort()).toEqual(["in/copied.bin", "in/piped.bin"]);
    for (const [remote, content] of [
      ["in/copied.bin", data],
      ["in/piped.bin", piped],
    ] as const) {
      const o = entries.find((e) => e.remote === remote) as FsObject;
      const item = theirs.get(remote) as LsjsonItem;
      expect(o.size, remote).toBe(content.length);
      expect(item.Size, remote).toBe(content.length);
      // The listing gives the upload time; the modtime rclone wrote is in the metadata.
      expect((await modTimeOf(o)).getTime(), remote).toBe(new Date(item.ModTime).getTime());
      expect(await o.hash("md5"), remote).toBe(md5(content));
      expect(item.Hashes?.md5, remote).toBe(md5(content));
    }
    expect((entries.find((e) => e.remote === "in/copied.bin") as FsObject).modTime.getTime()).toBe(1666355696250);
  });
});
