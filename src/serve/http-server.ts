/**
 * The HTTP(S) listener the http and webdav servers share: Basic auth in front of every request,
 * one log line per request at -v, Prometheus counts, and a failed `Fs` call turned into its status.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { log } from "../fs/log.js";
import { parseBasicAuth } from "./auth.js";
import type { ServeContext } from "./context.js";
import { statusOf } from "./http-status.js";
import { hostPort, listenOn } from "./listen.js";

/** Answers one authenticated request; `signal` aborts when the client goes away. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => Promise<void>;

/** A listening server. */
export interface RunningServer {
  /** The address bound (the kernel's port when 0 was asked). */
  address: AddressInfo;
  /** `http://host:port/` (or https), as clients reach it. */
  url: string;
  close(): Promise<void>;
}

/** rclone's --server-read-timeout and --server-write-timeout default: an hour per request. */
const REQUEST_TIMEOUT_MS = 3_600_000;

/** Methods counted under their own name; any other is counted as "other", so clients cannot grow the label set. */
const METHODS = new Set([
  "GET",
  "HEAD",
  "PUT",
  "DELETE",
  "OPTIONS",
  "PROPFIND",
  "PROPPATCH",
  "MKCOL",
  "COPY",
  "MOVE",
  "LOCK",
  "UNLOCK",
]);

/** The realm of the Basic challenge; rclone's webdav default. */
const REALM = "rclone";

async function authorized(ctx: ServeContext, req: IncomingMessage): Promise<boolean> {
  const { credentials } = ctx.options;
  if (!credentials) return true;
  const given = parseBasicAuth(req.headers.authorization);
  if (given && (await credentials.check(given.user, given.pass))) return true;
  ctx.metrics.authFailure();
  return false;
}

/** Sends the status of a failed request, or cuts the connection when the answer has already started. */
function answerError(req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const status = statusOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (status >= 500) log.error(undefined, `${req.method} ${req.url}: ${message}`);
  else log.debug(undefined, `${req.method} ${req.url}: ${message}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(`${message}\n`);
}

/**
 * Listens on `ctx.options.listen` (TLS when `tls` is given) and passes each request that passes
 * auth to `handle`; a wrong or missing password is answered 401 with a Basic challenge. An error
 * `handle` throws becomes its status (`statusOf`). Rejects when the address cannot be bound.
 */
export async function startHttpServer(
  ctx: ServeContext,
  tls: { cert: Buffer; key: Buffer } | undefined,
  handle: RequestHandler,
): Promise<RunningServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("client went away"));
      ctx.metrics.request(METHODS.has(req.method ?? "") ? (req.method as string) : "other", res.statusCode);
      log.info(undefined, `${req.method} ${req.url}: ${res.statusCode} in ${Date.now() - started} ms`);
    });
    authorized(ctx, req)
      .then((ok) => {
        if (ok) return handle(req, res, controller.signal);
        req.resume();
        res.writeHead(401, { "WWW-Authenticate": `Basic realm="${REALM}"`, "Content-Type": "text/plain" });
        res.end("Unauthorized\n");
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) {
          // Whatever the request was doing failed because the client left; nobody is there to answer.
          log.info(undefined, `${req.method} ${req.url}: client went away: ${(err as Error).message}`);
          res.destroy();
          return;
        }
        answerError(req, res, err);
      });
  };
  const server = tls ? createHttpsServer(tls, onRequest) : createHttpServer(onRequest);
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.timeout = REQUEST_TIMEOUT_MS;
  const address = await listenOn(server, ctx.options.listen);
  return {
    address,
    url: `${tls ? "https" : "http"}://${hostPort(address)}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
