/** PUT, DELETE and MKCOL of WebDAV: each goes through the `Fs` and the same operations the CLI uses. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { fromBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import { purge } from "../../fs/operations/delete.js";
import { parentOf } from "../../fs/path.js";
import type { Entry } from "../../fs/types.js";
import { entryAt } from "../fs-entry.js";
import { readText } from "../read-text.js";
import { clientModTime, receiveFile } from "../receive-file.js";
import { requestPath } from "../request-path.js";
import { etagOf } from "../send-file.js";
import type { DavContext } from "./dav-context.js";

/** The entry at `remote`, or undefined when nothing is there. */
export async function existing(dav: DavContext, remote: string, signal: AbortSignal): Promise<Entry | undefined> {
  try {
    return await entryAt(dav.fs, remote, { signal });
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return undefined;
    throw err;
  }
}

/** Creates an empty file at `remote` (a LOCK of an unmapped URL). */
export async function putEmpty(dav: DavContext, remote: string, signal: AbortSignal): Promise<void> {
  await dav.fs.put(fromBytes(new Uint8Array(0)), { remote, size: 0, modTime: new Date() }, { signal });
}

/**
 * PUT: the body becomes the file (201 when new, 204 when it replaced one; 405 on a directory),
 * through `receiveFile`, so it is verified and atomic. Parent directories are made as needed, as
 * rclone's webdav backend expects of the server it writes to. `X-OC-Mtime` sets the modtime.
 */
export async function put(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  const before = remote === "" ? ({ kind: "dir" } as const) : await existing(dav, remote, signal);
  if (before?.kind === "dir") {
    req.resume();
    res.writeHead(405).end();
    return;
  }
  const stored = await receiveFile(dav, req, remote, signal);
  res.setHeader("ETag", etagOf(stored.size, stored.modTime));
  if (clientModTime(req)) res.setHeader("X-OC-Mtime", "accepted");
  res.writeHead(before ? 204 : 201).end();
}

/** DELETE: a file, or a directory and everything in it (`purge`); the root is refused (403). */
export async function remove(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  req.resume();
  if (remote === "") {
    res.writeHead(403).end();
    return;
  }
  const entry = await entryAt(dav.fs, remote, { signal });
  if (entry.kind === "file") await entry.remove({ signal });
  else await purge(dav.fs, remote, { signal });
  res.writeHead(204).end();
}

/**
 * MKCOL: a new directory (201). 405 when something exists there, 409 when its parent does not
 * exist, 415 for a request body (RFC 4918 §9.3).
 */
export async function mkcol(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  if ((await readText(req)) !== "") {
    res.writeHead(415).end();
    return;
  }
  if (remote === "" || (await existing(dav, remote, signal))) {
    res.writeHead(405).end();
    return;
  }
  const parent = parentOf(remote);
  if (parent !== "" && (await existing(dav, parent, signal))?.kind !== "dir") {
    res.writeHead(409).end();
    return;
  }
  await dav.fs.mkdir(remote, { signal });
  res.writeHead(201).end();
}
