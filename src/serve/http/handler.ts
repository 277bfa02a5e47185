/** `serve http`: GET and HEAD of files (ranged) and of directories (a listing page); nothing else. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ServeContext } from "../context.js";
import { entryAt } from "../fs-entry.js";
import { requestPath, urlPathOf } from "../request-path.js";
import { sendFile } from "../send-file.js";
import { listingPage } from "./listing.js";

/**
 * Answers GET or HEAD: a file is sent as `sendFile` does; a directory named without its trailing
 * `/` is redirected to it (so relative links resolve), and with it answers the listing page.
 * Throws what `requestPath`, `entryAt`, `list` and `sendFile` throw (`statusOf` maps them).
 */
export async function answerGet(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  const { remote, trailingSlash } = requestPath(req.url ?? "/");
  const entry = await entryAt(ctx.fs, remote, { signal });
  if (entry.kind === "file") {
    await sendFile(ctx, req, res, entry, signal);
    return;
  }
  if (!trailingSlash) {
    res.writeHead(301, { Location: urlPathOf(remote, true) }).end();
    return;
  }
  const page = Buffer.from(listingPage(remote, await ctx.fs.list(remote, { signal })), "utf8");
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": page.length });
  res.end(req.method === "HEAD" ? undefined : page);
}

/** `serve http`'s handler: GET and HEAD as `answerGet`; any other method gets 405. */
export async function handleHttp(
  ctx: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
): Promise<void> {
  if (req.method === "GET" || req.method === "HEAD") return answerGet(ctx, req, res, signal);
  req.resume();
  res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain" }).end("Method Not Allowed\n");
}
