/** PROPFIND (depth 0 and 1) and PROPPATCH (the modtime) of WebDAV. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isFsError } from "../../fs/errors.js";
import type { Entry } from "../../fs/types.js";
import { entryAt } from "../fs-entry.js";
import { header } from "../header.js";
import { readText } from "../read-text.js";
import { requestPath, urlPathOf } from "../request-path.js";
import type { DavContext } from "./dav-context.js";
import { multistatusXml, responseXml, statusResponseXml } from "./multistatus.js";
import { propertiesOf } from "./props.js";
import { parsePropfind, parseProppatch } from "./request-xml.js";

function sendMultistatus(res: ServerResponse, responses: string[]): void {
  const body = Buffer.from(multistatusXml(responses), "utf8");
  res.writeHead(207, { "Content-Type": "application/xml; charset=utf-8", "Content-Length": body.length }).end(body);
}

/**
 * PROPFIND: the properties asked of the resource and, with `Depth: 1` on a directory, of each
 * entry in it. An absent Depth is taken as 1; `Depth: infinity` is refused with 403 and
 * `propfind-finite-depth` (RFC 4918 §9.1), as a whole-tree listing could be unbounded.
 */
export async function propfind(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  const depth = (header(req, "depth") ?? "1").trim().toLowerCase();
  const request = parsePropfind(await readText(req));
  if (depth !== "0" && depth !== "1") {
    res.writeHead(403, { "Content-Type": "application/xml; charset=utf-8" });
    res.end('<?xml version="1.0" encoding="utf-8"?>\n<D:error xmlns:D="DAV:"><D:propfind-finite-depth/></D:error>\n');
    return;
  }
  const entry = await entryAt(dav.fs, remote, { signal });
  const entries: Entry[] = [entry];
  if (entry.kind === "dir" && depth === "1") entries.push(...(await dav.fs.list(remote, { signal })));
  const responses: string[] = [];
  for (const e of entries) {
    const { found, missing } = await propertiesOf(request, dav.fs, e, dav.locks, signal);
    responses.push(responseXml(urlPathOf(e.remote, e.kind === "dir"), found, missing));
  }
  sendMultistatus(res, responses);
}

/** A modtime as clients send it in PROPPATCH: Unix seconds (rclone, ownCloud) or an HTTP date. */
function parseModTime(text: string): Date | undefined {
  const t = /^\d+$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text);
  return Number.isFinite(t) ? new Date(t) : undefined;
}

/** The property names PROPPATCH takes as a file's modtime. */
const MODTIME_PROPS = new Set(["lastmodified", "getlastmodified", "Win32LastModifiedTime"]);

/**
 * PROPPATCH: sets a file's modtime from `lastmodified` (or `getlastmodified`, or Windows'
 * `Win32LastModifiedTime`); every other property is refused (403), there being nowhere to keep
 * dead properties. A remote that cannot set modtimes answers 409 for it. Writes need no lock
 * check beyond the caller's.
 */
export async function proppatch(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  const { set, remove } = parseProppatch(await readText(req));
  const entry = await entryAt(dav.fs, remote, { signal });
  const statuses = new Map<string, string>();
  for (const [name, value] of set) {
    const modTime = MODTIME_PROPS.has(name) ? parseModTime(value) : undefined;
    if (modTime === undefined || entry.kind !== "file") {
      statuses.set(name, "403 Forbidden");
      continue;
    }
    try {
      await entry.setModTime(modTime, { signal });
      statuses.set(name, "200 OK");
    } catch (err) {
      if (!isFsError(err, "NotImplemented")) throw err;
      statuses.set(name, "409 Conflict");
    }
  }
  for (const name of remove) statuses.set(name, "403 Forbidden");
  sendMultistatus(res, [statusResponseXml(urlPathOf(remote, entry.kind === "dir"), statuses)]);
}
