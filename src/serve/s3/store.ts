/**
 * Writing and describing objects: every upload (PutObject, a completed multipart upload) goes
 * through `rcat`, the verified upload path, counted in the server's stats; and the headers an
 * object is described by (ETag, Last-Modified, the `mtime` and `md5chksum` metadata rclone reads).
 */
import { rcat } from "../../fs/operations/rcat.js";
import type { Body, FsObject } from "../../fs/types.js";
import type { ServeContext } from "../context.js";
import { countedTransfer } from "../counted-transfer.js";
import { etagOf } from "../send-file.js";

/** Stores `body` as `remote`; `size` -1 when unknown. Throws what `rcat` throws; nothing is stored then. */
export async function storeObject(
  ctx: ServeContext,
  remote: string,
  body: Body,
  size: number,
  modTime: Date | undefined,
  signal: AbortSignal,
): Promise<FsObject> {
  const stored = await countedTransfer(ctx, "written", remote, size, signal, (count) =>
    rcat(ctx.fs, remote, count(body), { size, modTime, signal }),
  );
  // rcat answers undefined only for a dry run, which this never is.
  return stored as FsObject;
}

/**
 * The modtime rclone sends as `x-amz-meta-mtime` (Unix seconds with a fraction), or undefined.
 * `headers` is the request's (a CopyObject or CreateMultipartUpload carries it as well as a put).
 */
export function metaModTime(headers: Record<string, string | string[] | undefined>): Date | undefined {
  const value = headers["x-amz-meta-mtime"];
  const seconds = typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(Math.round(seconds * 1000)) : undefined;
}

/** The MD5 of an object when the `Fs` has one stored or cheap, else undefined. */
async function md5Of(ctx: ServeContext, obj: FsObject, signal?: AbortSignal): Promise<string | undefined> {
  if (!ctx.fs.hashes.has("md5")) return undefined;
  return obj.hash("md5", { signal }).catch(() => undefined);
}

/**
 * What describes an object in headers and listings. The ETag is the quoted MD5 where the `Fs`
 * has it, as S3's for a single-part upload, so clients can check downloads against it; without
 * one it is a validator with a `-` (as S3's multipart ETags), which clients do not take for an MD5.
 * `listing` avoids hashing where the `Fs` hashes slowly (a listing would read every file).
 */
export async function describeObject(
  ctx: ServeContext,
  obj: FsObject,
  modTime: Date,
  listing: boolean,
  signal?: AbortSignal,
): Promise<{ etag: string; md5: string | undefined }> {
  const md5 = listing && ctx.fs.features.slowHash ? undefined : await md5Of(ctx, obj, signal);
  return { etag: md5 ? `"${md5}"` : etagOf(obj.size, modTime), md5 };
}

/** The headers of HeadObject and GetObject, besides the length and range. */
export function objectHeaders(modTime: Date, etag: string, md5: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    ETag: etag,
    "Last-Modified": modTime.toUTCString(),
    "Accept-Ranges": "bytes",
    "x-amz-meta-mtime": (modTime.getTime() / 1000).toFixed(3),
  };
  if (md5) headers["x-amz-meta-md5chksum"] = Buffer.from(md5, "hex").toString("base64");
  return headers;
}
