/**
 * The object bytes of a request: the body as sent, or decoded from `aws-chunked` framing (what
 * the AWS SDKs send with `STREAMING-UNSIGNED-PAYLOAD-TRAILER`), checked on the way against the
 * SHA-256 the signature covers and the Content-MD5 the client sent. A mismatch fails the body at
 * its end, so the upload reading it fails and stores nothing.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ByteReader } from "../../fs/body.js";
import type { Body } from "../../fs/types.js";
import { S3Error } from "./errors.js";

/** The object bytes of a request and their length (-1 when the client did not say). */
export interface Payload {
  body: Body;
  size: number;
}

const CRLF = "\r\n";

/** Reads one line of aws-chunked framing (without its CRLF); a line longer than 4 KiB is malformed. */
async function readLine(reader: ByteReader): Promise<string> {
  let line = "";
  for (;;) {
    const byte = await reader.read(1);
    if (byte.length === 0) throw new S3Error("IncompleteBody", "the chunked body ended early");
    line += String.fromCharCode(byte[0] as number);
    if (line.endsWith(CRLF)) return line.slice(0, -2);
    if (line.length > 4096) throw new S3Error("InvalidRequest", "bad aws-chunked framing");
  }
}

/** The data of an aws-chunked body: `hex-size[;chunk-signature=…]` CRLF data CRLF, up to a 0 chunk and trailers. */
async function* dechunk(body: Body): Body {
  const reader = new ByteReader(body);
  for (;;) {
    const header = await readLine(reader);
    const size = Number.parseInt(header.split(";", 1)[0] as string, 16);
    if (!Number.isSafeInteger(size) || size < 0) throw new S3Error("InvalidRequest", "bad aws-chunked chunk size");
    if (size === 0) break;
    let left = size;
    while (left > 0) {
      const part = await reader.next(left);
      if (!part) throw new S3Error("IncompleteBody", "the chunked body ended early");
      left -= part.length;
      // A view into the reader's chunk: copied, since the consumer may keep it.
      yield part.slice();
    }
    if ((await readLine(reader)) !== "") throw new S3Error("InvalidRequest", "bad aws-chunked framing");
  }
  // Trailers (checksums the SDK adds) end with an empty line; they are not checked.
  while ((await readLine(reader)) !== "") {
    // skip
  }
}

async function* verify(body: Body, sha256: string | undefined, md5Base64: string | undefined): Body {
  const sha = sha256 ? createHash("sha256") : undefined;
  const md5 = md5Base64 ? createHash("md5") : undefined;
  for await (const part of body) {
    sha?.update(part);
    md5?.update(part);
    yield part;
  }
  if (sha && sha.digest("hex") !== sha256) {
    throw new S3Error(
      "XAmzContentSHA256Mismatch",
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  if (md5 && md5.digest("base64") !== md5Base64) {
    throw new S3Error("BadDigest", "The Content-MD5 you specified did not match what we received.");
  }
}

/**
 * The object bytes `req` carries. `payloadHash` is what the signature covers (`x-amz-content-sha256`).
 * Throws `NotImplemented` for signed streaming (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`, which neither
 * the AWS SDK v3 nor rclone sends); the body fails with `XAmzContentSHA256Mismatch` or `BadDigest`.
 */
export function requestPayload(req: IncomingMessage, payloadHash: string | undefined): Payload {
  const md5 = req.headers["content-md5"];
  if (payloadHash?.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
    throw new S3Error(
      "NotImplemented",
      "signed streaming uploads are not supported: sign the payload or leave it unsigned",
    );
  }
  const chunked =
    payloadHash === "STREAMING-UNSIGNED-PAYLOAD-TRAILER" ||
    /aws-chunked/.test(String(req.headers["content-encoding"] ?? ""));
  const lengthHeader = chunked ? req.headers["x-amz-decoded-content-length"] : req.headers["content-length"];
  const size = lengthHeader === undefined ? -1 : Number(lengthHeader);
  if (!Number.isSafeInteger(size) || size < -1) throw new S3Error("InvalidArgument", "bad content length");
  const sha256 = payloadHash && /^[0-9a-f]{64}$/.test(payloadHash) ? payloadHash : undefined;
  return { body: verify(chunked ? dechunk(req) : req, sha256, typeof md5 === "string" ? md5 : undefined), size };
}
