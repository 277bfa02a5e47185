/** The object requests: GetObject, HeadObject, PutObject, CopyObject, DeleteObject. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { prefetch } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import { mimeTypeOf } from "../../fs/mime.js";
import { modTimeOf } from "../../fs/modtime.js";
import { copyFile } from "../../fs/operations/copy.js";
import { baseName } from "../../fs/path.js";
import { parseRange } from "../byte-range.js";
import type { ServeContext } from "../context.js";
import { countedTransfer } from "../counted-transfer.js";
import { requestPath } from "../request-path.js";
import { S3Error } from "./errors.js";
import { requestPayload } from "./payload.js";
import { describeObject, metaModTime, objectHeaders, storeObject } from "./store.js";
import { xmlDocument, xmlTime } from "./xml.js";

/** Chunks read ahead of the socket on a GET. */
const READ_AHEAD = 4;

/** GetObject and HeadObject: the object's bytes (one range when asked) and its metadata headers. */
export async function getObject(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  remote: string,
  signal: AbortSignal,
): Promise<void> {
  const obj = await ctx.fs.newObject(remote, { signal });
  const modTime = await modTimeOf(obj, { signal });
  const { etag, md5 } = await describeObject(ctx, obj, modTime, false, signal);
  for (const [name, value] of Object.entries(objectHeaders(modTime, etag, md5))) res.setHeader(name, value);
  res.setHeader("Content-Type", mimeTypeOf(baseName(remote)));
  const range = parseRange(req.headers.range, obj.size);
  if (range.kind === "unsatisfiable") throw new S3Error("InvalidRange", "The requested range is not satisfiable");
  const offset = range.kind === "partial" ? range.offset : 0;
  const length = range.kind === "partial" ? range.length : obj.size;
  if (range.kind === "partial") res.setHeader("Content-Range", `bytes ${offset}-${offset + length - 1}/${obj.size}`);
  res.setHeader("Content-Length", length);
  res.statusCode = range.kind === "partial" ? 206 : 200;
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  await countedTransfer(ctx, "read", remote, length, signal, async (count) => {
    const body = await obj.open(range.kind === "partial" ? { offset, length, signal } : { signal });
    // Read ahead of the socket, so decoding overlaps with sending.
    await pipeline(Readable.from(count(prefetch(body, READ_AHEAD)), { objectMode: false }), res);
  });
}

/** PutObject: the body stored through the verified upload path, with `x-amz-meta-mtime` as its modtime. */
export async function putObject(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  remote: string,
  payloadHash: string | undefined,
  signal: AbortSignal,
): Promise<void> {
  const { body, size } = requestPayload(req, payloadHash);
  const stored = await storeObject(ctx, remote, body, size, metaModTime(req.headers), signal);
  const { etag } = await describeObject(ctx, stored, stored.modTime, false, signal);
  res.writeHead(200, { ETag: etag }).end();
}

/**
 * CopyObject (`x-amz-copy-source: /bucket/key`): server-side where the `Fs` can, else streamed
 * and verified (`copyFile`). With `x-amz-metadata-directive: REPLACE` the copy takes the request's
 * `x-amz-meta-mtime`, else the source's modtime.
 */
export async function copyObject(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  remote: string,
  signal: AbortSignal,
): Promise<void> {
  const source = String(req.headers["x-amz-copy-source"]).split("?", 1)[0] as string;
  const from = requestPath(source.startsWith("/") ? source : `/${source}`).remote;
  const src = await ctx.fs.newObject(from, { signal }).catch((err: unknown) => {
    throw isFsError(err, "ObjectNotFound", "IsDir") ? new S3Error("NoSuchKey", `copy source ${from} not found`) : err;
  });
  let copied = await copyFile(src, ctx.fs, remote, { signal });
  const replace = String(req.headers["x-amz-metadata-directive"] ?? "").toUpperCase() === "REPLACE";
  const modTime = replace ? metaModTime(req.headers) : undefined;
  if (modTime) {
    await copied.setModTime(modTime, { signal });
    copied = await ctx.fs.newObject(remote, { signal });
  }
  const finalModTime = await modTimeOf(copied, { signal });
  const { etag } = await describeObject(ctx, copied, finalModTime, false, signal);
  res.writeHead(200, { "Content-Type": "application/xml" });
  res.end(xmlDocument("CopyObjectResult", { LastModified: xmlTime(finalModTime), ETag: etag }));
}

/** DeleteObject: removes the key; a key that does not exist is no error, as in S3. */
export async function deleteObject(ctx: ServeContext, res: ServerResponse, remote: string, signal: AbortSignal) {
  await removeKey(ctx, remote, signal);
  res.writeHead(204).end();
}

/** Removes the object at `remote` if there is one. */
export async function removeKey(ctx: ServeContext, remote: string, signal: AbortSignal): Promise<void> {
  try {
    await (await ctx.fs.newObject(remote, { signal })).remove({ signal });
  } catch (err) {
    if (!isFsError(err, "ObjectNotFound", "IsDir", "DirNotFound")) throw err;
  }
}
