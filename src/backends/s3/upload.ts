/**
 * Writing one object: a single PutObject below `upload_cutoff`, a multipart upload (lib-storage) at or
 * above it or when the size is unknown. Either way S3 makes the object visible only when it is whole,
 * so a body that fails part-way leaves nothing under the key (the multipart upload is aborted).
 */
import { Readable } from "node:stream";
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { toBytes } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { mimeTypeOf } from "../../fs/mime.js";
import type { Body, ObjectInfo } from "../../fs/types.js";
import { UploadHashes } from "../../fs/upload-hashes.js";
import type { S3Options } from "./index.js";
import { formatMtime, META_MD5, META_MTIME, md5Base64 } from "./metadata.js";

/** Bodies up to this size are collected before sending. */
const BUFFER_LIMIT = 1024 * 1024;

/** What an upload stored. */
export interface Uploaded {
  size: number;
  /** The content's MD5 (hex), computed while sending or taken from the caller's in-flight hash. */
  md5: string | undefined;
  /** Whether the stored object carries `md5chksum` or a plain-MD5 ETag (else its MD5 is not on the server). */
  md5Stored: boolean;
}

/** The size and MD5 of the bytes a `checked` body has passed on, and the error its source threw. */
interface Tally {
  size: number;
  md5: UploadHashes;
  sourceError?: unknown;
  /** Aborts the request: the SDK pipes a stream body without watching it for errors, so it would hang. */
  abort: AbortController;
}

/**
 * Passes `body` on while counting and hashing it. Throws `Corrupt` as soon as it runs past `expected`
 * bytes, or at its end when it falls short, so the request carrying it fails instead of storing it.
 */
async function* checked(body: Body, expected: number, remote: string, tally: Tally, signal?: AbortSignal): Body {
  try {
    for await (const part of body) {
      signal?.throwIfAborted();
      tally.size += part.length;
      if (expected >= 0 && tally.size > expected) {
        throw new FsError("Corrupt", `size mismatch: expected ${expected}, got more`, { path: remote });
      }
      await tally.md5.update(part);
      yield part;
    }
    if (expected >= 0 && tally.size !== expected) {
      throw new FsError("Corrupt", `size mismatch: expected ${expected}, got ${tally.size}`, { path: remote });
    }
  } catch (err) {
    tally.sourceError = err;
    tally.abort.abort(err);
    throw err;
  }
}

/**
 * Uploads `body` (of `src.size` bytes, or -1 for unknown) to `bucket`/`key` with the modtime in `mtime`.
 * A known `md5` (hex, e.g. the source's) goes into `md5chksum` of a multipart upload. Throws what the
 * body threw, `Corrupt` when its length differs from `src.size`, or the SDK's error (for the caller to
 * map).
 */
export async function uploadObject(
  client: S3Client,
  options: S3Options,
  bucket: string,
  key: string,
  body: Body,
  src: ObjectInfo,
  md5?: string,
  signal?: AbortSignal,
): Promise<Uploaded> {
  const tally: Tally = { size: 0, md5: new UploadHashes(["md5"], src), abort: new AbortController() };
  const md5Sent = async () => (await tally.md5.digests()).get("md5");
  const onAbort = () => tally.abort.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const passed = checked(body, src.size, src.remote, tally, signal);
  let stream: Readable | undefined;
  const metadata: Record<string, string> = { [META_MTIME]: formatMtime(src.modTime) };
  const params: PutObjectCommandInput = {
    Bucket: bucket,
    Key: key,
    ContentType: mimeTypeOf(key),
    Metadata: metadata,
  };
  if (options.acl) params.ACL = options.acl as PutObjectCommandInput["ACL"];
  if (options.storage_class) params.StorageClass = options.storage_class as PutObjectCommandInput["StorageClass"];
  try {
    if (src.size >= 0 && src.size <= BUFFER_LIMIT && src.size < options.upload_cutoff) {
      // Small bodies are read whole first: one write to the socket, and the SDK can retry them.
      const data = await toBytes(passed);
      await client.send(new PutObjectCommand({ ...params, Body: data, ContentLength: src.size }), {
        abortSignal: tally.abort.signal,
      });
      return { size: tally.size, md5: await md5Sent(), md5Stored: true };
    }
    stream = Readable.from(passed, { objectMode: false });
    // Its errors reach the caller through `tally`; unheard, they would crash the process.
    stream.on("error", () => undefined);
    params.Body = stream;
    if (src.size >= 0 && src.size < options.upload_cutoff) {
      await client.send(new PutObjectCommand({ ...params, ContentLength: src.size }), {
        abortSignal: tally.abort.signal,
      });
      return { size: tally.size, md5: await md5Sent(), md5Stored: true };
    }
    if (md5) metadata[META_MD5] = md5Base64(md5);
    const upload = new Upload({
      client,
      params,
      partSize: options.chunk_size,
      queueSize: options.upload_concurrency,
      leavePartsOnError: false,
      abortController: tally.abort,
    });
    const done = await upload.done();
    // A body that fits in one part goes up as a single PutObject, whose ETag is its MD5; a multipart
    // one has "<md5 of part md5s>-<parts>" (RGW answers CompleteMultipartUpload with an empty ETag).
    const single = /^"?[0-9a-f]{32}"?$/i.test(done.ETag ?? "");
    return { size: tally.size, md5: await md5Sent(), md5Stored: single || md5 !== undefined };
  } catch (err) {
    stream?.destroy();
    // The request failed because its body did: report that, not the SDK's view of it.
    throw tally.sourceError ?? err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
    // A worker hasher goes back to its pool only once its digest is taken.
    await tally.md5.release();
  }
}
