/** COPY and MOVE of WebDAV: server-side where the `Fs` can, else streamed and verified as `copy` does. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { FsError, isFsError } from "../../fs/errors.js";
import { copyFile, moveFile } from "../../fs/operations/copy.js";
import { purge } from "../../fs/operations/delete.js";
import { walkEntries } from "../../fs/operations/walk.js";
import { joinRemote, relativeTo } from "../../fs/path.js";
import type { CallOptions, Fs } from "../../fs/types.js";
import { entryAt } from "../fs-entry.js";
import { header } from "../header.js";
import { clientModTime } from "../receive-file.js";
import { requestPath } from "../request-path.js";
import type { DavContext } from "./dav-context.js";
import { tokensIn } from "./locks.js";
import { existing } from "./write-methods.js";

/** Copies directory `src` to `dst` (which does not exist) on `fs`, file by file. */
async function copyTree(fs: Fs, src: string, dst: string, options: CallOptions): Promise<void> {
  await fs.mkdir(dst, options);
  for await (const e of walkEntries(fs, src, options)) {
    const target = joinRemote(dst, relativeTo(src, e.remote) as string);
    if (e.kind === "dir") await fs.mkdir(target, options);
    else await copyFile(e, fs, target, options);
  }
}

/** Moves directory `src` to `dst` (which does not exist): `dirMove` where the `Fs` has it, else copy and purge. */
async function moveTree(fs: Fs, src: string, dst: string, options: CallOptions): Promise<void> {
  if (fs.features.dirMove) {
    try {
      await fs.features.dirMove(fs, src, dst, options);
      return;
    } catch (err) {
      if (!isFsError(err, "CantDirMove", "NotImplemented")) throw err;
    }
  }
  await copyTree(fs, src, dst, options);
  await purge(fs, src, options);
}

/**
 * COPY or MOVE of the resource to the `Destination` header's path on the same server: 201 when
 * the destination is new, 204 when it replaced something (`Overwrite: F` answers 412 instead),
 * 403 for a destination equal to or inside the source, 502 for another host's URL, 423 when a
 * lock guards the destination (or, for MOVE, the source). `X-OC-Mtime` sets the copy's modtime.
 */
export async function copyOrMove(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  req.resume();
  const move = req.method === "MOVE";
  const { remote: src } = requestPath(req.url ?? "/");
  const destination = header(req, "destination");
  if (destination === undefined) throw new FsError("Usage", "no Destination header");
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/]*)/i.exec(destination)?.[1];
  if (host !== undefined && host !== header(req, "host")) {
    res.writeHead(502).end();
    return;
  }
  const { remote: dst } = requestPath(destination);
  if (dst === src || relativeTo(src, dst) !== undefined) {
    res.writeHead(403).end();
    return;
  }
  const tokens = tokensIn(header(req, "if"));
  if (!dav.locks.mayWrite(dst, tokens, true) || (move && !dav.locks.mayWrite(src, tokens, true))) {
    res.writeHead(423).end();
    return;
  }
  const options = { signal };
  const source = await entryAt(dav.fs, src, options);
  const before = await existing(dav, dst, signal);
  if (before && /^f$/i.test(header(req, "overwrite") ?? "T")) {
    res.writeHead(412).end();
    return;
  }
  if (before?.kind === "file") await before.remove(options);
  else if (before) await purge(dav.fs, dst, options);
  if (source.kind === "dir") {
    await (move ? moveTree : copyTree)(dav.fs, src, dst, options);
  } else {
    const done = await (move ? moveFile : copyFile)(source, dav.fs, dst, options);
    const modTime = clientModTime(req);
    if (modTime) await done.setModTime(modTime, options);
  }
  res.writeHead(before ? 204 : 201).end();
}
