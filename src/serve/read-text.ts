/** Reading a small request body (XML of WebDAV, JSON/XML of S3 calls) whole. */
import type { IncomingMessage } from "node:http";
import { FsError } from "../fs/errors.js";

/** The body of `req` as UTF-8 text. Throws `Usage` once it passes `limit` bytes (1 MiB by default). */
export async function readText(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) throw new FsError("Usage", `request body larger than ${limit} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString("utf8");
}
