/** Answering GET and HEAD of one file: ranges, validators, and the bytes streamed from a ranged `open`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { prefetch } from "../fs/body.js";
import { mimeTypeOf } from "../fs/mime.js";
import { modTimeOf } from "../fs/modtime.js";
import { baseName } from "../fs/path.js";
import type { FsObject } from "../fs/types.js";
import { parseRange } from "./byte-range.js";
import type { ServeContext } from "./context.js";
import { countedTransfer } from "./counted-transfer.js";

/** Chunks read ahead of the client (1 MiB each from the disk backends), as `copyFile` reads ahead of its writer. */
const READ_AHEAD = 4;

/** A validator that changes whenever the size or the modtime does, with no read of the content. */
export function etagOf(size: number, modTime: Date): string {
  return `"${size.toString(16)}-${modTime.getTime().toString(16)}"`;
}

/** True when the client's copy (If-None-Match, else If-Modified-Since) is still current: answer 304. */
function notModified(req: IncomingMessage, etag: string, modTime: Date): boolean {
  const match = req.headers["if-none-match"];
  if (match !== undefined) return match === "*" || match.split(/\s*,\s*/).some((t) => t.replace(/^W\//, "") === etag);
  const since = Date.parse(req.headers["if-modified-since"] ?? "");
  // HTTP dates have whole seconds.
  return Number.isFinite(since) && Math.floor(modTime.getTime() / 1000) * 1000 <= since;
}

/**
 * Sends `obj`: 200 with the whole file, 206 with the one range asked (`If-Range` honoured), 416
 * for a range past the end, 304 when the client's copy is current. HEAD sends the headers only.
 * The bytes come from a ranged `open`, so only the part asked is read below; a read that fails
 * part-way cuts the connection, so the client sees a short body rather than a whole-looking one.
 */
export async function sendFile(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  obj: FsObject,
  signal: AbortSignal,
): Promise<void> {
  const modTime = await modTimeOf(obj, { signal });
  const etag = etagOf(obj.size, modTime);
  res.setHeader("Accept-Ranges", "bytes");
  res.setHeader("ETag", etag);
  res.setHeader("Last-Modified", modTime.toUTCString());
  res.setHeader("Content-Type", mimeTypeOf(baseName(obj.remote)));
  if (notModified(req, etag, modTime)) {
    res.writeHead(304).end();
    return;
  }
  const ifRange = req.headers["if-range"];
  const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
  const range = obj.size < 0 ? ({ kind: "whole" } as const) : parseRange(rangeHeader, obj.size);
  if (range.kind === "unsatisfiable") {
    res.writeHead(416, { "Content-Range": `bytes */${obj.size}` }).end();
    return;
  }
  const offset = range.kind === "partial" ? range.offset : 0;
  const length = range.kind === "partial" ? range.length : obj.size;
  if (range.kind === "partial") {
    res.setHeader("Content-Range", `bytes ${offset}-${offset + length - 1}/${obj.size}`);
  }
  if (length >= 0) res.setHeader("Content-Length", length);
  res.statusCode = range.kind === "partial" ? 206 : 200;
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  await countedTransfer(ctx, "read", obj.remote, length, signal, async (count) => {
    // Read ahead of the socket, as a streamed copy does, so decoding overlaps with sending.
    const body = prefetch(
      await obj.open(range.kind === "partial" ? { offset, length, signal } : { signal }),
      READ_AHEAD,
    );
    await pipeline(Readable.from(count(body), { objectMode: false }), res);
  });
}
