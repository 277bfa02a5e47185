/**
 * AWS Signature Version 4 as S3 checks it: the `Authorization` header, or the `X-Amz-*` query
 * parameters of a presigned URL. The signature covers the method, the path as sent, the query,
 * the signed headers and the payload hash the client declared (`x-amz-content-sha256`), which the
 * server then checks against the body it reads (see payload.ts).
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { S3Error } from "./errors.js";

/** The access keys the server accepts: access key id → secret. */
export type AuthKeys = ReadonlyMap<string, string>;

/** What a verified request was signed with; chunk signatures of a streamed body build on it. */
export interface VerifiedAuth {
  accessKey: string;
  /** The payload hash the signature covers (`UNSIGNED-PAYLOAD`, a `STREAMING-…` mode, or hex SHA-256). */
  payloadHash: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";
/** A presigned URL is valid for at most a week, as in AWS. */
const MAX_EXPIRES_S = 7 * 24 * 3600;
const MAX_SKEW_MS = 15 * 60 * 1000;

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, `%XX` upper case. */
export function awsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

interface Parsed {
  accessKey: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  payloadHash: string;
  presigned: boolean;
}

function parseCredential(credential: string): [string, string, string, string] {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request") {
    throw new S3Error("AuthorizationHeaderMalformed", "bad credential scope");
  }
  return [parts[0] as string, parts[1] as string, parts[2] as string, parts[3] as string];
}

function parseRequest(req: IncomingMessage, query: URLSearchParams): Parsed | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    if (!header.startsWith(`${ALGORITHM} `)) {
      throw new S3Error("AccessDenied", "only AWS4-HMAC-SHA256 signatures are accepted");
    }
    const fields = new Map(
      header
        .slice(ALGORITHM.length + 1)
        .split(",")
        .map((f) => f.trim().split("=", 2) as [string, string]),
    );
    const [accessKey, date, region, service] = parseCredential(fields.get("Credential") ?? "");
    const amzDate = String(req.headers["x-amz-date"] ?? "");
    // As S3: a signed request is good for 15 minutes either side of its date, so it cannot be replayed later.
    if (Math.abs(Date.now() - parseAmzDate(amzDate)) > MAX_SKEW_MS) {
      throw new S3Error(
        "RequestTimeTooSkewed",
        "The difference between the request time and the current time is too large.",
      );
    }
    return {
      accessKey,
      date,
      region,
      service,
      signedHeaders: (fields.get("SignedHeaders") ?? "").split(";"),
      signature: fields.get("Signature") ?? "",
      amzDate,
      payloadHash: String(req.headers["x-amz-content-sha256"] ?? "UNSIGNED-PAYLOAD"),
      presigned: false,
    };
  }
  if (query.get("X-Amz-Algorithm") !== null) {
    if (query.get("X-Amz-Algorithm") !== ALGORITHM) throw new S3Error("AccessDenied", "unknown signing algorithm");
    const [accessKey, date, region, service] = parseCredential(query.get("X-Amz-Credential") ?? "");
    const amzDate = query.get("X-Amz-Date") ?? "";
    const expires = Number(query.get("X-Amz-Expires"));
    if (!Number.isInteger(expires) || expires < 0 || expires > MAX_EXPIRES_S) {
      throw new S3Error("AuthorizationQueryParametersError", "bad X-Amz-Expires");
    }
    if (Date.now() > parseAmzDate(amzDate) + expires * 1000) throw new S3Error("AccessDenied", "Request has expired");
    return {
      accessKey,
      date,
      region,
      service,
      signedHeaders: (query.get("X-Amz-SignedHeaders") ?? "").split(";"),
      signature: query.get("X-Amz-Signature") ?? "",
      amzDate,
      payloadHash: "UNSIGNED-PAYLOAD",
      presigned: true,
    };
  }
  return undefined;
}

function parseAmzDate(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) throw new S3Error("AccessDenied", "bad X-Amz-Date");
  return Date.UTC(
    +(m[1] as string),
    +(m[2] as string) - 1,
    +(m[3] as string),
    +(m[4] as string),
    +(m[5] as string),
    +(m[6] as string),
  );
}

function canonicalQuery(rawQuery: string, presigned: boolean): string {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const decode = (s: string) => decodeURIComponent(s.replace(/\+/g, "%20"));
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decode(part.slice(eq + 1));
    if (presigned && key === "X-Amz-Signature") continue;
    pairs.push([awsEncode(key), awsEncode(value)]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * Checks the signature of `req` against `keys`. Returns undefined when `keys` is empty (the server
 * is open) or what the request was signed with. Throws `S3Error`: `AccessDenied` for an unsigned
 * request or an expired presigned URL, `InvalidAccessKeyId` for an unknown key, and
 * `SignatureDoesNotMatch` for a wrong signature (a wrong secret).
 */
export function verifySignature(req: IncomingMessage, keys: AuthKeys): VerifiedAuth | undefined {
  if (keys.size === 0) return undefined;
  const target = req.url ?? "/";
  const q = target.indexOf("?");
  const rawPath = q < 0 ? target : target.slice(0, q);
  const rawQuery = q < 0 ? "" : target.slice(q + 1);
  const parsed = parseRequest(req, new URLSearchParams(rawQuery));
  if (!parsed) throw new S3Error("AccessDenied", "Access Denied");
  const secret = keys.get(parsed.accessKey);
  if (secret === undefined) {
    throw new S3Error("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.");
  }
  const headerLines = parsed.signedHeaders.map((name) => {
    const value = req.headers[name];
    const text = Array.isArray(value) ? value.join(",") : (value ?? "");
    return `${name}:${text.trim().replace(/\s+/g, " ")}\n`;
  });
  const canonical = [
    req.method ?? "GET",
    rawPath,
    canonicalQuery(rawQuery, parsed.presigned),
    headerLines.join(""),
    parsed.signedHeaders.join(";"),
    parsed.payloadHash,
  ].join("\n");
  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/aws4_request`;
  const toSign = [ALGORITHM, parsed.amzDate, scope, sha256Hex(canonical)].join("\n");
  const want = createHmac("sha256", signingKey(secret, parsed.date, parsed.region, parsed.service))
    .update(toSign)
    .digest();
  const given = Buffer.from(parsed.signature, "hex");
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new S3Error(
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  }
  return { accessKey: parsed.accessKey, payloadHash: parsed.payloadHash };
}
