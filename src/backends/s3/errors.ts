/** Maps errors of the AWS SDK (S3 error codes, HTTP statuses, socket errors) to `FsError` codes. */
import { FsError, isFsError } from "../../fs/errors.js";
import { TRANSIENT_SOCKET_CODES } from "../net-errors.js";

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const AUTH = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken"]);
const THROTTLED = new Set(["SlowDown", "Throttling", "ThrottlingException", "RequestTimeout", "RequestTimeTooSkewed"]);
/** The HTTP status of an SDK error, if it got as far as a response. */
export function statusOf(err: unknown): number | undefined {
  return (err as SdkError | undefined)?.$metadata?.httpStatusCode;
}

/**
 * An SDK error as an `FsError`. `what` decides between `ObjectNotFound` and `DirNotFound` for a
 * missing key or bucket. Credentials the server refuses give `AuthFailed` (retry "fatal"); server
 * errors, throttling and dropped connections give `Transient` (retry "temporary"), after the SDK's own
 * retries. An abort (the caller's signal) and errors that already are `FsError`s pass unchanged.
 */
export function fromS3Error(err: unknown, path: string, what: "file" | "dir"): unknown {
  if (isFsError(err)) return err;
  const e = (err ?? {}) as SdkError;
  const name = e.name ?? "";
  const code = e.code ?? "";
  if (name === "AbortError") return err;
  const status = statusOf(err);
  const cause = err;
  // Errors without a parsable body (a 403 to HEAD or CreateBucket) come as "UnknownError": the status says more.
  const message = `${e.message || name || String(err)}${status === undefined ? "" : ` (HTTP ${status})`}`;
  if (name === "NoSuchKey" || name === "NotFound" || (status === 404 && name !== "NoSuchBucket")) {
    return what === "file"
      ? new FsError("ObjectNotFound", "object not found", { path, cause })
      : new FsError("DirNotFound", "directory not found", { path, cause });
  }
  if (name === "NoSuchBucket") {
    return what === "file"
      ? new FsError("ObjectNotFound", "object not found (no such bucket)", { path, cause })
      : new FsError("DirNotFound", "directory not found (no such bucket)", { path, cause });
  }
  if (name === "BucketNotEmpty") return new FsError("DirNotEmpty", "bucket not empty", { path, cause });
  if (AUTH.has(name) || status === 403 || status === 401) {
    return new FsError("AuthFailed", `authentication failed: ${message}`, { path, cause, retry: "fatal" });
  }
  if (
    THROTTLED.has(name) ||
    (status !== undefined && status >= 500) ||
    status === 429 ||
    TRANSIENT_SOCKET_CODES.has(code) ||
    TRANSIENT_SOCKET_CODES.has(name) ||
    name === "TimeoutError" ||
    /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE/.test(message)
  ) {
    return new FsError("Transient", message, { path, cause });
  }
  return new FsError("Other", message, { path, cause });
}
