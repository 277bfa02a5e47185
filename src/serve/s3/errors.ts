/** S3 error answers: the error codes and HTTP statuses S3 clients branch on. */
import { isFsError } from "../../fs/errors.js";

const STATUS: Record<string, number> = {
  AccessDenied: 403,
  AuthorizationHeaderMalformed: 400,
  AuthorizationQueryParametersError: 400,
  BadDigest: 400,
  BucketNotEmpty: 409,
  EntityTooSmall: 400,
  InvalidAccessKeyId: 403,
  InvalidArgument: 400,
  InvalidBucketName: 400,
  InvalidPart: 400,
  InvalidPartOrder: 400,
  InvalidRange: 416,
  InvalidRequest: 400,
  MalformedXML: 400,
  MethodNotAllowed: 405,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  NoSuchUpload: 404,
  RequestTimeTooSkewed: 403,
  NotImplemented: 501,
  SignatureDoesNotMatch: 403,
  XAmzContentSHA256Mismatch: 400,
  InternalError: 500,
  ServiceUnavailable: 503,
};

/** An error answered with an S3 error document: `code` is S3's (`NoSuchKey`, `SignatureDoesNotMatch`, …). */
export class S3Error extends Error {
  readonly s3Code: string;
  readonly status: number;

  constructor(s3Code: string, message: string) {
    super(message);
    this.name = "S3Error";
    this.s3Code = s3Code;
    this.status = STATUS[s3Code] ?? 400;
  }
}

/** Whether `err` is an `S3Error` (by its fields, so copies of this module agree). */
export function isS3Error(err: unknown): err is S3Error {
  return typeof (err as S3Error | undefined)?.s3Code === "string" && typeof (err as S3Error).status === "number";
}

/**
 * The S3 error a failed request answers with: an `S3Error` as it is; an `FsError` by its code
 * (`missing` names what a not-found means here: `NoSuchKey` or `NoSuchBucket`); anything else
 * `InternalError`.
 */
export function s3ErrorOf(err: unknown, missing: "NoSuchKey" | "NoSuchBucket" = "NoSuchKey"): S3Error {
  if (isS3Error(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (isFsError(err, "ObjectNotFound", "DirNotFound", "IsDir")) return new S3Error(missing, message);
  if (isFsError(err, "PathEscape", "Usage")) return new S3Error("InvalidArgument", message);
  if (isFsError(err, "PermissionDenied", "AuthFailed")) return new S3Error("AccessDenied", message);
  if (isFsError(err, "DirNotEmpty")) return new S3Error("BucketNotEmpty", message);
  if (isFsError(err, "Corrupt")) return new S3Error("BadDigest", message);
  if (isFsError(err, "NotImplemented")) return new S3Error("NotImplemented", message);
  if (isFsError(err, "Transient")) return new S3Error("ServiceUnavailable", message);
  return new S3Error("InternalError", message);
}
