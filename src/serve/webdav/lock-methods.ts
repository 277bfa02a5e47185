/** LOCK and UNLOCK of WebDAV, over the in-memory `LockTable`. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isFsError } from "../../fs/errors.js";
import { entryAt } from "../fs-entry.js";
import { header } from "../header.js";
import { readText } from "../read-text.js";
import { requestPath, urlPathOf } from "../request-path.js";
import type { DavContext } from "./dav-context.js";
import { parseTimeout, tokensIn } from "./locks.js";
import { lockDiscoveryXml } from "./multistatus.js";
import { parseLockinfo } from "./request-xml.js";
import { putEmpty } from "./write-methods.js";

/**
 * LOCK: a new lock (200, or 201 when it created an empty file at an unmapped URL, as RFC 4918
 * §9.10.4 asks) or, with no body, a refresh of the lock named in `If` (412 when it holds none).
 * A conflicting lock answers 423.
 */
export async function lock(
  dav: DavContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  const info = parseLockinfo(await readText(req));
  const timeout = parseTimeout(header(req, "timeout"));
  let created = false;
  let granted: ReturnType<DavContext["locks"]["grant"]>;
  if (info === undefined) {
    const token = tokensIn(header(req, "if"))[0];
    granted = token === undefined ? undefined : dav.locks.refresh(remote, token, timeout);
    if (!granted) {
      res.writeHead(412).end();
      return;
    }
  } else {
    const infinite = (header(req, "depth") ?? "infinity").trim().toLowerCase() !== "0";
    granted = dav.locks.grant(remote, infinite, info.scope, info.owner, timeout);
    if (!granted) {
      res.writeHead(423).end();
      return;
    }
    try {
      await entryAt(dav.fs, remote, { signal });
    } catch (err) {
      if (!isFsError(err, "ObjectNotFound")) throw err;
      await putEmpty(dav, remote, signal);
      created = true;
    }
  }
  const body = Buffer.from(
    `<?xml version="1.0" encoding="utf-8"?>\n<D:prop xmlns:D="DAV:">${lockDiscoveryXml([granted], (r) => urlPathOf(r, false))}</D:prop>\n`,
    "utf8",
  );
  res.writeHead(created ? 201 : 200, {
    "Lock-Token": `<${granted.token}>`,
    "Content-Type": "application/xml; charset=utf-8",
    "Content-Length": body.length,
  });
  res.end(body);
}

/** UNLOCK: removes the lock named in `Lock-Token` (204), or 409 when it does not cover the resource. */
export async function unlock(dav: DavContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { remote } = requestPath(req.url ?? "/");
  req.resume();
  const token = tokensIn(header(req, "lock-token"))[0];
  res.writeHead(token !== undefined && dav.locks.release(remote, token) ? 204 : 409).end();
}
