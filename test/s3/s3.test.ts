/**
 * The s3 backend against Ceph radosgw, beyond the conformance suite: multipart uploads keep their md5
 * in `md5chksum`, buckets are the root's directories, multipart copies, and refused credentials fail
 * at once with AuthFailed.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { S3Fs } from "../../src/backends/s3/fs.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import type { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { strata } from "../commands/run-cli.js";
import type { CephServer } from "../servers/ceph.js";
import { sharedServer, stopSharedServers } from "../servers/shared.js";
import { randomBucket, s3Remote } from "./remote.js";

const MiB = 1024 * 1024;
const T0 = new Date("2020-01-02T03:04:05.678Z");
const md5 = (data: Uint8Array) => createHash("md5").update(data).digest("hex");

let server: CephServer;
beforeAll(async () => {
  server = await sharedServer("ceph");
});
afterAll(stopSharedServers);

/** The S3Fs under newFs's path guard, for raw SDK calls. */
const inner = (fs: Fs) => (fs as PathGuardFs).inner as S3Fs;

/** The error `run` rejects with. */
async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("s3 backend on Ceph radosgw", () => {
  it("uploads multipart above upload_cutoff and stores the md5 in md5chksum as rclone does", async () => {
    const bucket = randomBucket();
    const fs = await newFs(s3Remote(server, bucket, ",upload_cutoff=1Mi,chunk_size=5Mi"), createContext());
    const data = randomBytes(12 * MiB + 5);
    const put = await fs.put(fromBytes(data, 256 * 1024), { remote: "a/big.bin", size: data.length, modTime: T0 });
    expect(await put.hash("md5")).toBe(md5(data));
    const head = await inner(fs).client.send(new HeadObjectCommand({ Bucket: bucket, Key: "a/big.bin" }));
    // Three parts: the ETag is no md5, so the md5 is in the metadata (base64), with the modtime.
    expect(head.ETag).toMatch(/-3"?$/);
    expect(head.Metadata?.md5chksum).toBe(Buffer.from(md5(data), "hex").toString("base64"));
    expect(head.Metadata?.mtime).toBe("1577934245.678");
    const again = await fs.newObject("a/big.bin");
    expect(again.size).toBe(data.length);
    expect(again.modTime.getTime()).toBe(T0.getTime());
    expect(await again.hash("md5")).toBe(md5(data));
    expect(md5(await toBytes(await again.open({ offset: 5 * MiB - 3, length: 10 })))).toBe(
      md5(data.subarray(5 * MiB - 3, 5 * MiB + 7)),
    );
  });

  it("copies multipart above copy_cutoff, keeping content, modtime and md5; setModTime keeps the md5", async () => {
    const bucket = randomBucket();
    const fs = await newFs(s3Remote(server, bucket, ",copy_cutoff=5Mi"), createContext());
    const data = randomBytes(11 * MiB);
    const src = await fs.put(fromBytes(data), { remote: "src.bin", size: data.length, modTime: T0 });
    const copy = fs.features.copy as NonNullable<Fs["features"]["copy"]>;
    await copy(src, "dst/copy.bin");
    const dst = await fs.newObject("dst/copy.bin");
    expect(dst.size).toBe(data.length);
    expect(dst.modTime.getTime()).toBe(T0.getTime());
    expect(await dst.hash("md5")).toBe(md5(data));
    expect(md5(await toBytes(await dst.open()))).toBe(md5(data));
    const T1 = new Date("2023-05-06T07:08:09.5Z");
    await dst.setModTime(T1);
    const after = await fs.newObject("dst/copy.bin");
    expect(after.modTime.getTime()).toBe(T1.getTime());
    expect(await after.hash("md5")).toBe(md5(data));
  });

  it("lists buckets as the root's directories; mkdir and rmdir make and remove buckets", async () => {
    const fs = await newFs(s3Remote(server, ""), createContext());
    const bucket = randomBucket();
    await fs.mkdir(bucket);
    expect((await fs.list("")).filter((e) => e.remote === bucket).map((e) => e.kind)).toEqual(["dir"]);
    expect(await fs.list(bucket)).toEqual([]);
    await fs.put(fromBytes(Buffer.from("x")), { remote: `${bucket}/f.txt`, size: 1, modTime: T0 });
    const err = await rejection(() => fs.rmdir(bucket));
    expect(isFsError(err, "DirNotEmpty"), String(err)).toBe(true);
    await ((await fs.newObject(`${bucket}/f.txt`)) as FsObject).remove();
    await fs.rmdir(bucket);
    expect((await fs.list("")).some((e) => e.remote === bucket)).toBe(false);
    const gone = await rejection(() => fs.list(bucket));
    expect(isFsError(gone, "DirNotFound"), String(gone)).toBe(true);
  });

  it("purge removes a bucket with everything in it", async () => {
    const fs = await newFs(s3Remote(server, ""), createContext());
    const bucket = randomBucket();
    for (const name of ["a.txt", "d/b.txt", "d/e/c.txt"])
      await fs.put(fromBytes(Buffer.from(name)), { remote: `${bucket}/${name}`, size: name.length, modTime: T0 });
    await fs.features.purge?.(bucket);
    expect((await fs.list("")).some((e) => e.remote === bucket)).toBe(false);
  });

  it("a wrong secret gives AuthFailed (retry fatal) after one attempt", async () => {
    const wrong: CephServer = { ...server, secretAccessKey: "not-the-secret" };
    const fs = await newFs(s3Remote(wrong, randomBucket()), createContext());
    for (const run of [() => fs.list(""), () => fs.mkdir("x")]) {
      const err = await rejection(run);
      expect(isFsError(err, "AuthFailed"), String(err)).toBe(true);
      expect((err as { retry: string }).retry).toBe("fatal");
      // The SDK did not retry it.
      expect((err as { cause?: { $metadata?: { attempts?: number } } }).cause?.$metadata?.attempts).toBe(1);
    }
  });

  it("the CLI exits 7 (fatal) on a wrong secret, without retrying", async () => {
    const wrong: CephServer = { ...server, secretAccessKey: "not-the-secret" };
    const lsd = await strata(["lsd", s3Remote(wrong, "")]);
    expect(lsd.code, lsd.stderr).toBe(7);
    const dir = mkdtempSync(join(tmpdir(), "strata-s3-auth-"));
    try {
      writeFileSync(join(dir, "f.txt"), "x");
      const copy = await strata(["copy", dir, s3Remote(wrong, randomBucket()), "--retries", "3"]);
      expect(copy.code, copy.stderr).toBe(7);
      // A fatal error ends the run after the first attempt.
      expect(copy.stderr).not.toMatch(/Attempt 2\/3/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
