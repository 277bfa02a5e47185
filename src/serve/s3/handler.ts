/**
 * Routing S3 requests (path-style: `/bucket/key`) to their operations, after the signature check,
 * and answering failures with S3 error documents.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { log } from "../../fs/log.js";
import type { ServeContext } from "../context.js";
import type { RequestHandler } from "../http-server.js";
import { requestPath } from "../request-path.js";
import {
  bucketLocation,
  createBucket,
  deleteBucket,
  deleteObjects,
  headBucket,
  listBuckets,
  listObjects,
  readXml,
} from "./buckets.js";
import { S3Error, s3ErrorOf } from "./errors.js";
import type { CompletedPart, MultipartUploads } from "./multipart.js";
import { copyObject, deleteObject, getObject, putObject } from "./objects.js";
import { requestPayload } from "./payload.js";
import { type AuthKeys, verifySignature } from "./sigv4.js";
import { metaModTime, storeObject } from "./store.js";
import { xmlDocument } from "./xml.js";

const WRITES = new Set(["PUT", "POST", "DELETE"]);

/** The request handler of an S3 server over `ctx.fs`; `uploads` holds its multipart uploads. */
export function s3Handler(ctx: ServeContext, keys: AuthKeys, uploads: MultipartUploads): RequestHandler {
  return async (req, res, signal) => {
    try {
      let payloadHash: string | undefined;
      try {
        payloadHash = verifySignature(req, keys)?.payloadHash ?? headerString(req, "x-amz-content-sha256");
      } catch (err) {
        ctx.metrics.authFailure();
        throw err;
      }
      await route(ctx, uploads, req, res, payloadHash, signal);
    } catch (err) {
      sendError(req, res, err);
    }
  };
}

function headerString(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

async function route(
  ctx: ServeContext,
  uploads: MultipartUploads,
  req: IncomingMessage,
  res: ServerResponse,
  payloadHash: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const method = req.method ?? "GET";
  const target = req.url ?? "/";
  const query = new URLSearchParams(target.includes("?") ? target.slice(target.indexOf("?") + 1) : "");
  const { remote } = requestPath(target);
  const slash = remote.indexOf("/");
  const bucket = slash < 0 ? remote : remote.slice(0, slash);
  const key = slash < 0 ? "" : remote.slice(slash + 1);
  if (WRITES.has(method) && ctx.options.readOnly) throw new S3Error("AccessDenied", "the server is read-only");

  if (bucket === "") {
    if (method === "GET") return listBuckets(ctx, res, signal);
    throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
  }
  if (key === "") {
    if (method === "GET" && query.has("location")) return bucketLocation(ctx, res, bucket, signal);
    if (method === "GET" && query.has("uploads")) throw new S3Error("NotImplemented", "listing multipart uploads");
    if (method === "GET") return listObjects(ctx, res, bucket, query, signal);
    if (method === "HEAD") return headBucket(ctx, res, bucket, signal);
    if (method === "PUT") return createBucket(ctx, res, bucket, signal);
    if (method === "DELETE") return deleteBucket(ctx, res, bucket, signal);
    if (method === "POST" && query.has("delete")) return deleteObjects(ctx, req, res, bucket, signal);
    throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
  }

  const uploadId = query.get("uploadId");
  switch (method) {
    case "GET":
    case "HEAD":
      return getObject(ctx, req, res, remote, signal);
    case "PUT":
      if (uploadId !== null) {
        const { body } = requestPayload(req, payloadHash);
        const md5 = await uploads.putPart(uploadId, remote, Number(query.get("partNumber")), body);
        res.writeHead(200, { ETag: `"${md5}"` }).end();
        return;
      }
      if (req.headers["x-amz-copy-source"] !== undefined) return copyObject(ctx, req, res, remote, signal);
      return putObject(ctx, req, res, remote, payloadHash, signal);
    case "POST":
      if (query.has("uploads")) {
        const id = await uploads.create(remote, metaModTime(req.headers));
        res.writeHead(200, { "Content-Type": "application/xml" });
        res.end(xmlDocument("InitiateMultipartUploadResult", { Bucket: bucket, Key: key, UploadId: id }));
        return;
      }
      if (uploadId !== null) return completeUpload(ctx, uploads, req, res, { bucket, key, remote, uploadId }, signal);
      break;
    case "DELETE":
      if (uploadId !== null) {
        await uploads.remove(uploadId, remote);
        res.writeHead(204).end();
        return;
      }
      return deleteObject(ctx, res, remote, signal);
  }
  throw new S3Error("MethodNotAllowed", "The specified method is not allowed against this resource.");
}

/** CompleteMultipartUpload: the listed parts stored as one object, then the spooled parts removed. */
async function completeUpload(
  ctx: ServeContext,
  uploads: MultipartUploads,
  req: IncomingMessage,
  res: ServerResponse,
  target: { bucket: string; key: string; remote: string; uploadId: string },
  signal: AbortSignal,
): Promise<void> {
  const doc = (await readXml(req)).CompleteMultipartUpload as { Part?: { PartNumber?: string; ETag?: string }[] };
  const parts: CompletedPart[] = (doc?.Part ?? []).map((p) => ({
    partNumber: Number(p.PartNumber),
    etag: String(p.ETag ?? ""),
  }));
  const { body, size, modTime } = await uploads.assemble(target.uploadId, target.remote, parts);
  const stored = await storeObject(ctx, target.remote, body, size, modTime, signal);
  await uploads.remove(target.uploadId, target.remote);
  const md5 = ctx.fs.hashes.has("md5") ? await stored.hash("md5", { signal }).catch(() => undefined) : undefined;
  res.writeHead(200, { "Content-Type": "application/xml" });
  res.end(
    xmlDocument("CompleteMultipartUploadResult", {
      Location: `/${target.bucket}/${target.key}`,
      Bucket: target.bucket,
      Key: target.key,
      ETag: md5 ? `"${md5}"` : `"${randomBytes(16).toString("hex")}-${parts.length}"`,
    }),
  );
}

/** An S3 error document (headers only for HEAD), or a cut connection when the answer had started. */
function sendError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const missing =
    (req.url ?? "/").split("?", 1)[0]?.split("/").filter(Boolean).length === 1 ? "NoSuchBucket" : "NoSuchKey";
  const e = s3ErrorOf(err, missing);
  if (e.status >= 500) log.error(undefined, `${req.method} ${req.url}: ${e.message}`);
  else log.debug(undefined, `${req.method} ${req.url}: ${e.s3Code}: ${e.message}`);
  req.resume();
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const requestId = randomBytes(8).toString("hex").toUpperCase();
  res.writeHead(e.status, { "Content-Type": "application/xml", "x-amz-request-id": requestId });
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  res.end(xmlDocument("Error", { Code: e.s3Code, Message: e.message, Resource: req.url ?? "/", RequestId: requestId }));
}
