/**
 * Server-side copies: CopyObject below `copy_cutoff`, a multipart copy (UploadPartCopy in parts of
 * `copy_cutoff` bytes) at or above it, since S3 refuses a single copy of more than 5 GiB. The same
 * call with the source as destination rewrites an object's metadata (how modtimes are changed).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  type CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import type { S3Options } from "./index.js";

export interface ObjectRef {
  bucket: string;
  key: string;
}

/** CopySource wants the key URL-encoded, its slashes kept. */
const copySource = (from: ObjectRef) =>
  `${encodeURIComponent(from.bucket)}/${from.key.split("/").map(encodeURIComponent).join("/")}`;

/**
 * Copies `from` (of `size` bytes) to `to`, giving the copy `metadata` and `contentType` (replacing the
 * source's). Throws the SDK's errors (for the caller to map); a failed multipart copy is aborted.
 */
export async function copyObject(
  client: S3Client,
  options: S3Options,
  from: ObjectRef & { size: number },
  to: ObjectRef,
  metadata: Record<string, string>,
  contentType: string | undefined,
  signal?: AbortSignal,
): Promise<void> {
  const common = {
    Bucket: to.bucket,
    Key: to.key,
    Metadata: metadata,
    ContentType: contentType,
    ...(options.acl && { ACL: options.acl as CopyObjectCommandInput["ACL"] }),
    ...(options.storage_class && { StorageClass: options.storage_class as CopyObjectCommandInput["StorageClass"] }),
  };
  if (from.size < options.copy_cutoff) {
    await client.send(
      new CopyObjectCommand({ ...common, CopySource: copySource(from), MetadataDirective: "REPLACE" }),
      { abortSignal: signal },
    );
    return;
  }
  const { UploadId } = await client.send(new CreateMultipartUploadCommand(common), { abortSignal: signal });
  try {
    const parts: { PartNumber: number; ETag: string | undefined }[] = [];
    for (let start = 0, n = 1; start < from.size; start += options.copy_cutoff, n++) {
      const end = Math.min(from.size, start + options.copy_cutoff) - 1;
      const { CopyPartResult } = await client.send(
        new UploadPartCopyCommand({
          Bucket: to.bucket,
          Key: to.key,
          UploadId,
          PartNumber: n,
          CopySource: copySource(from),
          CopySourceRange: `bytes=${start}-${end}`,
        }),
        { abortSignal: signal },
      );
      parts.push({ PartNumber: n, ETag: CopyPartResult?.ETag });
    }
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
      { abortSignal: signal },
    );
  } catch (err) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId }))
      .catch(() => undefined);
    throw err;
  }
}
