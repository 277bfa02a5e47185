/**
 * `strata serve s3` over erasure(crypt(local)): real rclone (its s3 backend) copies, checks, syncs
 * and deletes through it; the AWS SDK does a multipart upload and ranged gets; wrong keys are
 * refused with S3's codes; `..` and `%2e%2e` never leave the served root.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededBytes } from "../../bench/workloads.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";
import { erasureCryptStack, rawRequest, type StrataServer, startStrataServe } from "./shared.js";

const temp = tempDirs("strata-serve-s3-");

/** rclone 1.60's s3 backend refuses to start while AWS_CA_BUNDLE is set, as it is on this machine. */
const runRclone = (args: string[]) => rclone(args, { env: { AWS_CA_BUNDLE: undefined } });

describe.runIf(hasRclone)("strata serve s3 over erasure(crypt(local))", () => {
  let server: StrataServer;
  let stack: string;
  let source: string;
  const remote = (secret = "SECRET") =>
    `:s3,provider=Other,endpoint=${quoteValue(server.url)},access_key_id=AKID,secret_access_key=${secret}:`;
  const client = (accessKeyId = "AKID", secretAccessKey = "SECRET") =>
    new S3Client({
      endpoint: server.url,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });

  beforeAll(async () => {
    stack = erasureCryptStack(temp());
    source = temp();
    mkdirSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "big.bin"), seededBytes("1", 7 * 1024 * 1024 + 17));
    writeFileSync(join(source, "docs/readme.txt"), "hello over s3\n");
    writeFileSync(join(source, "docs/deep/space name & more+.txt"), seededBytes("2", 70_000));
    writeFileSync(join(source, "empty"), "");
    server = await startStrataServe("s3", stack, ["--auth-key", "AKID,SECRET"]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("rclone copies (multipart for the large file), and check --download finds every file the same", async () => {
    expect((await runRclone(["mkdir", `${remote()}bucket`])).code).toBe(0);
    const copy = await runRclone([
      "copy",
      "--s3-upload-cutoff",
      "1M",
      "--s3-chunk-size",
      "5M",
      source,
      `${remote()}bucket/dst`,
    ]);
    expect(copy.code, copy.stderr).toBe(0);
    const check = await runRclone(["check", "--download", source, `${remote()}bucket/dst`]);
    expect(check.stderr).toMatch(/0 differences found/);
    expect(check.code).toBe(0);
    const byHash = await runRclone(["check", source, `${remote()}bucket/dst`]);
    expect(byHash.code, byHash.stderr).toBe(0);
    const direct = await strata(["check", "--download", source, `${stack}bucket/dst`]);
    expect(direct.code, direct.stderr).toBe(0);
  });

  it("rclone sync makes the bucket match a changed source, modtimes included", async () => {
    writeFileSync(join(source, "docs/readme.txt"), "changed\n");
    rmSync(join(source, "docs/deep"), { recursive: true });
    writeFileSync(join(source, "new.dat"), seededBytes("3", 1000));
    const sync = await runRclone(["sync", source, `${remote()}bucket/dst`]);
    expect(sync.code, sync.stderr).toBe(0);
    const check = await runRclone(["check", "--download", source, `${remote()}bucket/dst`]);
    expect(check.code, check.stderr).toBe(0);
    const again = await runRclone(["sync", "-v", source, `${remote()}bucket/dst`]);
    expect(again.stderr).toMatch(/There was nothing to transfer/);
  });

  it("rclone delete removes every object", async () => {
    const del = await runRclone(["delete", `${remote()}bucket/dst`]);
    expect(del.code, del.stderr).toBe(0);
    const listed = await runRclone(["lsf", "-R", "--files-only", `${remote()}bucket`]);
    expect(listed.stdout).toBe("");
  });

  it("the AWS SDK uploads in parts, lists, heads and reads ranges", async () => {
    const s3 = client();
    await s3.send(new CreateBucketCommand({ Bucket: "sdk" }));
    const part1 = seededBytes("4", 5 * 1024 * 1024);
    const part2 = seededBytes("5", 123_457);
    const whole = Buffer.concat([part1, part2]);
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({ Bucket: "sdk", Key: "dir/multi.bin", Metadata: { mtime: "1600000000.5" } }),
    );
    const etags = [];
    for (const [i, body] of [part1, part2].entries()) {
      const r = await s3.send(
        new UploadPartCommand({ Bucket: "sdk", Key: "dir/multi.bin", UploadId, PartNumber: i + 1, Body: body }),
      );
      etags.push(r.ETag);
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: "sdk",
        Key: "dir/multi.bin",
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: "sdk", Key: "dir/small.txt", Body: "small" }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: "sdk", Key: "dir/multi.bin" }));
    expect(head.ContentLength).toBe(whole.length);
    expect(head.LastModified?.getTime()).toBe(1600000000000);
    const ranged = await s3.send(
      new GetObjectCommand({ Bucket: "sdk", Key: "dir/multi.bin", Range: "bytes=5242000-5243999" }),
    );
    expect(ranged.ContentRange).toBe(`bytes 5242000-5243999/${whole.length}`);
    expect(
      Buffer.from(await (ranged.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()),
    ).toEqual(whole.subarray(5242000, 5244000));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "sdk", Prefix: "dir/", MaxKeys: 1 }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["dir/multi.bin"]);
    expect(listed.IsTruncated).toBe(true);
    const next = await s3.send(
      new ListObjectsV2Command({ Bucket: "sdk", Prefix: "dir/", ContinuationToken: listed.NextContinuationToken }),
    );
    expect(next.Contents?.map((c) => c.Key)).toEqual(["dir/small.txt"]);
    const direct = await strata(["cat", `${stack}sdk/dir/multi.bin`]);
    expect(direct.stdout.length).toBeGreaterThan(0);
    const md5 = await strata(["md5sum", `${stack}sdk/dir`]);
    expect(md5.stdout).toMatch(/multi\.bin/);
  });

  it("refuses a wrong secret (SignatureDoesNotMatch), an unknown key (InvalidAccessKeyId) and no signature", async () => {
    await expect(client("AKID", "wrong").send(new ListObjectsV2Command({ Bucket: "sdk" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
    });
    await expect(client("NOBODY", "SECRET").send(new ListObjectsV2Command({ Bucket: "sdk" }))).rejects.toMatchObject({
      name: "InvalidAccessKeyId",
    });
    const anonymous = await rawRequest(server.url, "GET", "/sdk/dir/small.txt");
    expect(anonymous.status).toBe(403);
    const wrong = await runRclone(["lsf", "--low-level-retries", "1", "--retries", "1", `${remote("wrong")}sdk`]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/SignatureDoesNotMatch/);
  });
});

describe("strata serve s3 paths", () => {
  let server: StrataServer;
  let root: string;

  beforeAll(async () => {
    root = temp();
    mkdirSync(join(root, "served/bucket"), { recursive: true });
    writeFileSync(join(root, "served/bucket/inside.txt"), "inside");
    writeFileSync(join(root, "secret.txt"), "outside the served root");
    // No --auth-key: every request is let in, so only the path decides.
    server = await startStrataServe("s3", join(root, "served"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("never serves a path above the root, written with .. or %2e%2e", async () => {
    expect((await rawRequest(server.url, "GET", "/bucket/inside.txt")).body.toString()).toBe("inside");
    for (const path of [
      "/bucket/../../secret.txt",
      "/bucket/%2e%2e/%2e%2e/secret.txt",
      "/%2E%2E/secret.txt",
      "/bucket/..%2fsecret.txt",
    ]) {
      const r = await rawRequest(server.url, "GET", path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body.toString(), path).not.toMatch(/outside the served root/);
    }
    const put = await rawRequest(server.url, "PUT", "/bucket/%2e%2e/%2e%2e/planted.txt", { body: "x" });
    expect(put.status).toBeGreaterThanOrEqual(400);
  });
});
