/** Answering PUT: the request body written through the same verified upload path `rcat` uses. */
import type { IncomingMessage } from "node:http";
import { FsError } from "../fs/errors.js";
import { rcat } from "../fs/operations/rcat.js";
import type { FsObject } from "../fs/types.js";
import type { ServeContext } from "./context.js";
import { countedTransfer } from "./counted-transfer.js";

/**
 * The modtime a client sends with an upload: `X-OC-Mtime` (Unix seconds, what rclone's webdav
 * backend sends for the ownCloud, Nextcloud and rclone vendors), or undefined.
 */
export function clientModTime(req: IncomingMessage): Date | undefined {
  const header = req.headers["x-oc-mtime"];
  const seconds = typeof header === "string" ? Number(header) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : undefined;
}

/**
 * Writes the body of `req` to `remote`, replacing any file there. With a Content-Length the body
 * goes to `put` with that size; without one (chunked) it is streamed or spooled as `rcat` does.
 * The bytes are hashed on the way and the stored file checked against them (`rcat`); a request
 * cut short fails the `put`, which by the `Fs` contract leaves no file (and any previous version
 * intact). Throws what `rcat` throws, and `Usage` for a bad Content-Length.
 */
export async function receiveFile(
  ctx: ServeContext,
  req: IncomingMessage,
  remote: string,
  signal: AbortSignal,
): Promise<FsObject> {
  const lengthHeader = req.headers["content-length"];
  const size = lengthHeader === undefined ? -1 : Number(lengthHeader);
  if (!Number.isSafeInteger(size) || size < -1) throw new FsError("Usage", "bad Content-Length", { path: remote });
  const stored = await countedTransfer(ctx, "written", remote, size, signal, (count) =>
    rcat(ctx.fs, remote, count(req), { size, modTime: clientModTime(req), signal }),
  );
  return stored as FsObject;
}
