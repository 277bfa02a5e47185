/** The bucket requests: ListBuckets, Create/Delete/HeadBucket, ListObjects (v1 and v2), DeleteObjects. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { compareNames } from "../../fs/operations/walk.js";
import { cleanRemote, joinRemote } from "../../fs/path.js";
import type { ServeContext } from "../context.js";
import { S3Error, s3ErrorOf } from "./errors.js";
import { listKeys } from "./list.js";
import { removeKey } from "./objects.js";
import { describeObject } from "./store.js";
import { parseXml, xmlDocument, xmlTime } from "./xml.js";

const OWNER = { ID: "strata", DisplayName: "strata" };

function sendXml(res: ServerResponse, root: string, body: Record<string, unknown>): void {
  res.writeHead(200, { "Content-Type": "application/xml" }).end(xmlDocument(root, body));
}

/** ListBuckets: the top-level directories of the served remote. */
export async function listBuckets(ctx: ServeContext, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const entries = await ctx.fs.list("", { signal });
  const buckets = entries
    .filter((e) => e.kind === "dir")
    .map((e) => ({ Name: e.remote, CreationDate: xmlTime(e.modTime) }));
  sendXml(res, "ListAllMyBucketsResult", { Owner: OWNER, Buckets: { Bucket: buckets } });
}

/** HeadBucket: 200 when the bucket exists; throws `NoSuchBucket`. */
export async function headBucket(ctx: ServeContext, res: ServerResponse, bucket: string, signal: AbortSignal) {
  await bucketExists(ctx, bucket, signal);
  res.writeHead(200).end();
}

async function bucketExists(ctx: ServeContext, bucket: string, signal: AbortSignal): Promise<void> {
  try {
    await ctx.fs.list(bucket, { signal });
  } catch (err) {
    throw s3ErrorOf(err, "NoSuchBucket");
  }
}

/** GetBucketLocation: every bucket is in the default region (an empty constraint). */
export async function bucketLocation(ctx: ServeContext, res: ServerResponse, bucket: string, signal: AbortSignal) {
  await bucketExists(ctx, bucket, signal);
  sendXml(res, "LocationConstraint", {});
}

/** CreateBucket: makes the directory; an existing one is fine (S3 answers 200 to its owner in us-east-1). */
export async function createBucket(ctx: ServeContext, res: ServerResponse, bucket: string, signal: AbortSignal) {
  await ctx.fs.mkdir(bucket, { signal });
  res.writeHead(200, { Location: `/${bucket}` }).end();
}

/** DeleteBucket: removes the empty directory; throws `BucketNotEmpty` or `NoSuchBucket`. */
export async function deleteBucket(ctx: ServeContext, res: ServerResponse, bucket: string, signal: AbortSignal) {
  try {
    await ctx.fs.rmdir(bucket, { signal });
  } catch (err) {
    throw s3ErrorOf(err, "NoSuchBucket");
  }
  res.writeHead(204).end();
}

/** ListObjects (v1) and ListObjectsV2 (`list-type=2`), with `encoding-type=url` as rclone asks. */
export async function listObjects(
  ctx: ServeContext,
  res: ServerResponse,
  bucket: string,
  query: URLSearchParams,
  signal: AbortSignal,
): Promise<void> {
  const v2 = query.get("list-type") === "2";
  const prefix = query.get("prefix") ?? "";
  const delimiter = query.get("delimiter") ?? "";
  const maxKeys = Math.min(Number(query.get("max-keys") ?? 1000), 1000);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw new S3Error("InvalidArgument", "bad max-keys");
  const token = query.get("continuation-token");
  const after = v2
    ? token !== null
      ? Buffer.from(token, "base64url").toString("utf8")
      : (query.get("start-after") ?? "")
    : (query.get("marker") ?? "");
  const url = query.get("encoding-type") === "url";
  const encode = (s: string) => (url ? encodeURIComponent(s).replace(/%2F/g, "/") : s);

  await bucketExists(ctx, bucket, signal);
  const all = (await listKeys(ctx.fs, bucket, prefix, delimiter, { signal })).filter(
    (k) => compareNames(k.key, after) > 0,
  );
  const page = all.slice(0, maxKeys);
  const truncated = all.length > page.length;
  const contents = [];
  const prefixes = [];
  for (const k of page) {
    if (!k.object) {
      prefixes.push({ Prefix: encode(k.key) });
      continue;
    }
    const { etag } = await describeObject(ctx, k.object, k.object.modTime, true, signal);
    contents.push({
      Key: encode(k.key),
      LastModified: xmlTime(k.object.modTime),
      ETag: etag,
      Size: Math.max(k.object.size, 0),
      StorageClass: "STANDARD",
      ...(v2 ? {} : { Owner: OWNER }),
    });
  }
  const last = page.at(-1)?.key;
  const body: Record<string, unknown> = {
    Name: bucket,
    Prefix: encode(prefix),
    ...(delimiter ? { Delimiter: encode(delimiter) } : {}),
    MaxKeys: maxKeys,
    IsTruncated: truncated,
    ...(url ? { EncodingType: "url" } : {}),
  };
  if (v2) {
    body.KeyCount = page.length;
    if (token !== null) body.ContinuationToken = token;
    if (query.get("start-after") !== null) body.StartAfter = encode(query.get("start-after") ?? "");
    if (truncated && last) body.NextContinuationToken = Buffer.from(last, "utf8").toString("base64url");
  } else {
    body.Marker = encode(after);
    if (truncated && last) body.NextMarker = encode(last);
  }
  body.Contents = contents;
  body.CommonPrefixes = prefixes;
  sendXml(res, "ListBucketResult", body);
}

async function readText(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    // DeleteObjects takes at most 1000 keys: far less than this.
    if (size > 4 << 20) throw new S3Error("InvalidRequest", "request body too large");
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** The request's XML body, parsed. */
export async function readXml(req: IncomingMessage): Promise<Record<string, unknown>> {
  return parseXml(await readText(req));
}

/** DeleteObjects (`POST ?delete`): removes each key listed, answering per key. */
export async function deleteObjects(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  bucket: string,
  signal: AbortSignal,
): Promise<void> {
  const doc = (await readXml(req)).Delete as { Object?: { Key?: string }[]; Quiet?: string } | undefined;
  if (!doc) throw new S3Error("MalformedXML", "no Delete element");
  const quiet = doc.Quiet === "true";
  const deleted: { Key: string }[] = [];
  const errors: { Key: string; Code: string; Message: string }[] = [];
  for (const o of doc.Object ?? []) {
    const key = String(o.Key ?? "");
    try {
      await removeKey(ctx, cleanRemote(joinRemote(bucket, key)), signal);
      if (!quiet) deleted.push({ Key: key });
    } catch (err) {
      const e = s3ErrorOf(err);
      errors.push({ Key: key, Code: e.s3Code, Message: e.message });
    }
  }
  sendXml(res, "DeleteResult", { Deleted: deleted, Error: errors });
}
