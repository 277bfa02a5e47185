/**
 * `serve webdav`: WebDAV class 1 and 2 (RFC 4918) over an `Fs`, enough for rclone's webdav
 * backend, davfs2, cadaver and the clients of desktops and browsers. Each method is in its own module.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServeContext } from "../context.js";
import { header } from "../header.js";
import { answerGet } from "../http/handler.js";
import type { RequestHandler } from "../http-server.js";
import { requestPath } from "../request-path.js";
import { copyOrMove } from "./copy-move.js";
import type { DavContext } from "./dav-context.js";
import { lock, unlock } from "./lock-methods.js";
import { LockTable, tokensIn } from "./locks.js";
import { propfind, proppatch } from "./properties-methods.js";
import { mkcol, put, remove } from "./write-methods.js";

type Method = (dav: DavContext, req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => Promise<void>;

const READS: Record<string, Method> = {
  GET: answerGet,
  HEAD: answerGet,
  PROPFIND: propfind,
};

/** Methods that change the tree: refused under --read-only, and checked against locks first. */
const WRITES: Record<string, Method> = {
  PUT: put,
  DELETE: remove,
  MKCOL: mkcol,
  PROPPATCH: proppatch,
  COPY: copyOrMove,
  MOVE: copyOrMove,
  LOCK: lock,
  UNLOCK: unlock,
};

const ALLOW = ["OPTIONS", ...Object.keys(READS), ...Object.keys(WRITES)].join(", ");

function options(res: ServerResponse): void {
  res.writeHead(200, { DAV: "1, 2", Allow: ALLOW, "MS-Author-Via": "DAV", "Accept-Ranges": "bytes" }).end();
}

/** A request handler serving `ctx.fs` over WebDAV, with its own lock table. */
export function webdavHandler(ctx: ServeContext): RequestHandler {
  const dav: DavContext = { ...ctx, locks: new LockTable() };
  return async (req, res, signal) => {
    const method = req.method ?? "";
    if (method === "OPTIONS") {
      req.resume();
      return options(res);
    }
    const read = READS[method];
    if (read) return read(dav, req, res, signal);
    const write = WRITES[method];
    if (!write) {
      req.resume();
      res.writeHead(405, { Allow: ALLOW }).end();
      return;
    }
    if (ctx.options.readOnly) {
      req.resume();
      res.writeHead(403, { "Content-Type": "text/plain" }).end("read-only server\n");
      return;
    }
    // LOCK and UNLOCK check locks themselves; COPY and MOVE check their destination's.
    if (method !== "LOCK" && method !== "UNLOCK" && method !== "COPY" && method !== "MOVE") {
      const { remote } = requestPath(req.url ?? "/");
      if (!dav.locks.mayWrite(remote, tokensIn(header(req, "if")), method === "DELETE")) {
        req.resume();
        res.writeHead(423).end();
        return;
      }
    }
    return write(dav, req, res, signal);
  };
}
