/**
 * The s3 backend: `remote:bucket/path/to/key`. The first path segment is a bucket (the root "" lists
 * buckets as directories); directories below are key prefixes, so they exist only while a file is
 * under them. Modtimes and multipart MD5s live in user metadata as rclone keeps them (`metadata.ts`).
 */
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListBucketsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { resolveRange } from "../../fs/body.js";
import { FsError, notImplemented } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { mimeTypeOf } from "../../fs/mime.js";
import { joinRemote } from "../../fs/path.js";
import type {
  Body,
  CallOptions,
  Directory,
  Entry,
  Fs,
  FsObject,
  ObjectInfo,
  OpenOptions,
  PutOptions,
} from "../../fs/types.js";
import { makeClient } from "./client.js";
import { copyObject, type ObjectRef } from "./copy.js";
import { fromS3Error } from "./errors.js";
import type { S3Options } from "./index.js";
import { listPages } from "./list.js";
import { copyMetadata, formatMtime, META_MD5, META_MTIME, md5Base64, md5Of, parseMtime } from "./metadata.js";
import { uploadObject } from "./upload.js";

/** DeleteObjects takes at most this many keys per call. */
const DELETE_BATCH = 1000;
/** Directories (key prefixes) have no time of their own. */
const NO_TIME = new Date(0);

export class S3Fs implements Fs {
  readonly hashes: ReadonlySet<HashType> = new Set<HashType>(["md5"]);
  // Modtimes travel as JavaScript Dates: millisecond resolution (rclone keeps nanoseconds in `mtime`).
  readonly precision = 1_000_000;
  readonly features;
  readonly client: S3Client;
  /** Buckets this Fs made or found, so writes do not ask to create them each time. */
  private readonly buckets = new Map<string, Promise<void>>();

  constructor(
    readonly name: string,
    readonly root: string,
    readonly options: S3Options,
  ) {
    this.root = root.replace(/^\/+|\/+$/g, "");
    this.client = makeClient(options);
    this.features = fillFeatures(this, { canHaveEmptyDirs: false });
  }

  toString(): string {
    return this.root === "" ? "S3 root" : `S3 bucket ${this.root}`;
  }

  /** Closes the SDK client's connections. */
  async close(): Promise<void> {
    this.client.destroy();
  }

  /** The bucket and key of a remote; the key is "" when the remote names a bucket (or the root). */
  ref(remote: string): ObjectRef {
    const full = joinRemote(this.root, remote);
    const slash = full.indexOf("/");
    return slash < 0 ? { bucket: full, key: "" } : { bucket: full.slice(0, slash), key: full.slice(slash + 1) };
  }

  /** Whether `other` talks to the same server with the same credentials (so copies can stay server-side). */
  sameServer(other: S3Fs): boolean {
    return (
      other.options.endpoint === this.options.endpoint && other.options.access_key_id === this.options.access_key_id
    );
  }

  /**
   * The buckets at the root, else one level of keys and prefixes, from the listing alone: each
   * object's modtime is its upload time until `loadModTime` reads its metadata. Throws `DirNotFound`
   * for a missing bucket or a prefix with nothing under it.
   */
  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const { bucket, key } = this.ref(dir);
    try {
      if (bucket === "") {
        const { Buckets } = await this.client.send(new ListBucketsCommand({}), { abortSignal: options?.signal });
        return (Buckets ?? []).map((b) => ({
          kind: "dir",
          remote: joinRemote(dir, b.Name ?? ""),
          modTime: b.CreationDate ?? NO_TIME,
        }));
      }
      const prefix = key === "" ? "" : `${key}/`;
      const dirs: Directory[] = [];
      const objects: S3Object[] = [];
      let found = false;
      for await (const page of listPages(this.client, bucket, prefix, { delimiter: "/", signal: options?.signal })) {
        for (const p of page.prefixes) {
          found = true;
          const name = p.slice(prefix.length, -1);
          if (name !== "") dirs.push({ kind: "dir", remote: joinRemote(dir, name), modTime: NO_TIME });
        }
        for (const k of page.keys) {
          found = true;
          // A zero-length "dir/" object is another tool's directory marker, not a file.
          if (k.key === prefix) continue;
          const remote = joinRemote(dir, k.key.slice(prefix.length));
          objects.push(new S3Object(this, remote, k.size, k.lastModified ?? NO_TIME, undefined, undefined, k.etag));
        }
      }
      if (!found && prefix !== "") throw new FsError("DirNotFound", "directory not found", { path: dir });
      return [...dirs, ...objects];
    } catch (err) {
      throw fromS3Error(err, dir, "dir");
    }
  }

  /** The object at `ref`, from a HEAD request. Throws `ObjectNotFound`. */
  private async head(ref: ObjectRef, remote: string, signal?: AbortSignal): Promise<S3Object> {
    const out = await this.headOutput(ref, remote, signal);
    const metadata = out.Metadata ?? {};
    const modTime = parseMtime(metadata[META_MTIME]) ?? out.LastModified ?? NO_TIME;
    return new S3Object(this, remote, out.ContentLength ?? 0, modTime, metadata, out.ContentType, out.ETag);
  }

  /** A HEAD of `ref`. Throws `ObjectNotFound`. */
  headOutput(ref: ObjectRef, remote: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput> {
    return this.client
      .send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }), { abortSignal: signal })
      .catch((err) => {
        throw fromS3Error(err, remote, "file");
      });
  }

  /** The object at `remote` (a HEAD). Throws `ObjectNotFound`, or `IsDir` for a bucket's name. */
  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const ref = this.ref(remote);
    if (ref.key === "") throw new FsError("IsDir", "is a bucket", { path: remote });
    return this.head(ref, remote, options?.signal);
  }

  /** Creates `bucket` once per Fs; one that exists already is fine. */
  private ensureBucket(bucket: string, signal?: AbortSignal): Promise<void> {
    let made = this.buckets.get(bucket);
    if (!made) {
      made = this.client
        .send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(this.options.acl && { ACL: this.options.acl as "private" }),
          }),
          { abortSignal: signal },
        )
        .then(
          () => undefined,
          (err: { name?: string }) => {
            if (err.name === "BucketAlreadyOwnedByYou" || err.name === "BucketAlreadyExists") return;
            this.buckets.delete(bucket);
            throw fromS3Error(err, bucket, "dir");
          },
        );
      this.buckets.set(bucket, made);
    }
    return made;
  }

  /**
   * Uploads `body` to `src.remote`. Throws `IsDir` for a bucket's name, `Corrupt` when the body's
   * length differs from `src.size`, `AuthFailed` or `Transient` from the server; nothing is stored then.
   */
  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const ref = this.ref(src.remote);
    if (ref.key === "") throw new FsError("IsDir", "is a bucket", { path: src.remote });
    try {
      if (!this.options.no_check_bucket) await this.ensureBucket(ref.bucket, options?.signal);
      const multipart = src.size < 0 || src.size >= this.options.upload_cutoff;
      // As rclone: a multipart object's MD5 goes into its metadata, taken from a source that has it cheaply.
      const known = multipart && src.fs && !src.fs.features.slowHash ? await this.sourceMd5(src, options) : undefined;
      const done = await uploadObject(
        this.client,
        this.options,
        ref.bucket,
        ref.key,
        body,
        src,
        known,
        options?.signal,
      );
      const metadata: Record<string, string> = { [META_MTIME]: formatMtime(src.modTime) };
      if (multipart && known) metadata[META_MD5] = md5Base64(known);
      const contentType = mimeTypeOf(ref.key);
      // A source whose MD5 does not match the bytes it gave must not leave its MD5 in the metadata.
      let md5Stored = done.md5Stored && (!multipart || !known || known === done.md5);
      if (!md5Stored && done.md5 && done.size < this.options.copy_cutoff) {
        // The MD5 is only known now the bytes have gone by: store it with a copy onto itself (not
        // above copy_cutoff, where that copy would take as long as a second upload).
        metadata[META_MD5] = md5Base64(done.md5);
        const from = { ...ref, size: done.size };
        await copyObject(this.client, this.options, from, ref, metadata, contentType, options?.signal);
        md5Stored = true;
      }
      // The handle tells the MD5 only where a fresh one would too.
      const md5 = md5Stored ? done.md5 : undefined;
      return new S3Object(this, src.remote, done.size, src.modTime, metadata, contentType, undefined, md5);
    } catch (err) {
      throw fromS3Error(err, src.remote, "file");
    }
  }

  private async sourceMd5(src: ObjectInfo, options?: CallOptions): Promise<string | undefined> {
    try {
      return await src.hash?.("md5", options);
    } catch {
      return undefined;
    }
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /** Creates the bucket `dir` is in; directories below a bucket need no creating. */
  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    const { bucket } = this.ref(dir);
    if (bucket === "") return;
    this.buckets.delete(bucket);
    await this.ensureBucket(bucket, options?.signal);
  }

  /**
   * Removes an empty bucket. Below a bucket a directory exists only while something is in it, so
   * this throws `DirNotEmpty` when there is and `DirNotFound` when there is not.
   */
  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    const { bucket, key } = this.ref(dir);
    if (bucket === "") throw new FsError("PermissionDenied", "can't remove the root of an S3 remote", { path: dir });
    try {
      if (key === "") {
        await this.client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: options?.signal });
        this.buckets.delete(bucket);
        return;
      }
      const prefix = `${key}/`;
      for await (const page of listPages(this.client, bucket, prefix, { maxKeys: 2, signal: options?.signal })) {
        const marker = page.keys.length === 1 && page.keys[0]?.key === prefix && page.prefixes.length === 0;
        if (marker) {
          await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: prefix }), {
            abortSignal: options?.signal,
          });
          return;
        }
        if (page.keys.length > 0 || page.prefixes.length > 0) {
          throw new FsError("DirNotEmpty", "directory not empty", { path: dir });
        }
      }
      throw new FsError("DirNotFound", "directory not found", { path: dir });
    } catch (err) {
      throw fromS3Error(err, dir, "dir");
    }
  }

  /** Deletes every key under `dir` in batches, and the bucket itself when `dir` names one. */
  async purge(dir: string, options?: CallOptions): Promise<void> {
    const { bucket, key } = this.ref(dir);
    if (bucket === "") throw new FsError("PermissionDenied", "can't purge the root of an S3 remote", { path: dir });
    const signal = options?.signal;
    try {
      let deleted = 0;
      for await (const page of listPages(this.client, bucket, key === "" ? "" : `${key}/`, { signal })) {
        for (let i = 0; i < page.keys.length; i += DELETE_BATCH) {
          const batch = page.keys.slice(i, i + DELETE_BATCH).map((k) => ({ Key: k.key }));
          const out = await this.client.send(
            new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
            { abortSignal: signal },
          );
          const failed = out.Errors?.[0];
          if (failed)
            throw new FsError("Other", `delete ${failed.Key}: ${failed.Code} ${failed.Message}`, { path: dir });
          deleted += batch.length;
        }
      }
      if (key === "") {
        await this.client.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal: signal });
        this.buckets.delete(bucket);
      } else if (deleted === 0) throw new FsError("DirNotFound", "directory not found", { path: dir });
    } catch (err) {
      throw fromS3Error(err, dir, "dir");
    }
  }

  /**
   * Server-side copy of an object of an s3 remote on the same server with the same credentials;
   * throws `CantCopy` for any other source. The copy keeps the source's modtime and MD5.
   */
  async copy(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    if (!(src instanceof S3Object) || !this.sameServer(src.fs)) {
      throw new FsError("CantCopy", "source is not on the same S3 server", { path: src.remote });
    }
    const to = this.ref(remote);
    if (to.key === "") throw new FsError("IsDir", "is a bucket", { path: remote });
    const { metadata: srcMetadata, contentType } = await src.stored(options);
    const md5 = src.md5();
    const metadata = copyMetadata(srcMetadata, md5, src.size, this.options.copy_cutoff);
    try {
      if (!this.options.no_check_bucket) await this.ensureBucket(to.bucket, options?.signal);
      const from = { ...src.fs.ref(src.remote), size: src.size };
      await copyObject(this.client, this.options, from, to, metadata, contentType, options?.signal);
    } catch (err) {
      throw fromS3Error(err, remote, "file");
    }
    return new S3Object(this, remote, src.size, src.modTime, metadata, contentType, undefined, md5);
  }
}

/** What a HEAD tells beyond a listing. */
interface StoredMetadata {
  /** User metadata (keys lower-case, as S3 returns them). */
  metadata: Record<string, string>;
  contentType: string | undefined;
}

/**
 * An object of an s3 remote. One from a HEAD or an upload has its metadata; one from a listing
 * has the listing's size, ETag and upload time, and reads its metadata (one HEAD) only when its
 * modtime, a multipart MD5 or a copy needs it.
 */
export class S3Object implements FsObject {
  readonly kind = "file";
  private meta: StoredMetadata | Promise<StoredMetadata> | undefined;

  constructor(
    readonly fs: S3Fs,
    readonly remote: string,
    readonly size: number,
    public modTime: Date,
    /** User metadata; undefined for an object from a listing, until it is read. */
    metadata: Record<string, string> | undefined,
    contentType: string | undefined,
    private readonly etag: string | undefined,
    /** The MD5 computed while uploading, when this handle comes from `put`. */
    private readonly knownMd5?: string,
  ) {
    if (metadata) this.meta = { metadata, contentType };
  }

  /** The object's metadata and content type, with a HEAD the first time for an object from a listing. */
  async stored(options?: CallOptions): Promise<StoredMetadata> {
    this.meta ??= this.fs.headOutput(this.fs.ref(this.remote), this.remote, options?.signal).then(
      (out) => {
        const meta = { metadata: out.Metadata ?? {}, contentType: out.ContentType };
        this.modTime = parseMtime(meta.metadata[META_MTIME]) ?? out.LastModified ?? this.modTime;
        this.meta = meta;
        return meta;
      },
      (err) => {
        this.meta = undefined;
        throw err;
      },
    );
    return this.meta;
  }

  /** The modtime kept in the `mtime` metadata (the upload time when there is none). */
  async loadModTime(options?: CallOptions): Promise<Date> {
    await this.stored(options);
    return this.modTime;
  }

  /**
   * The MD5 (hex) from the upload, the ETag or `md5chksum`; undefined for a multipart object without
   * one, and for a multipart object whose metadata has not been read (`stored`).
   */
  md5(): string | undefined {
    const meta = this.meta && !(this.meta instanceof Promise) ? this.meta.metadata : undefined;
    return this.knownMd5 ?? md5Of(this.etag, meta);
  }

  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    if (end <= start) return (async function* () {})();
    const { bucket, key } = this.fs.ref(this.remote);
    const whole = start === 0 && end === this.size;
    try {
      const out = await this.fs.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: whole ? undefined : `bytes=${start}-${end - 1}` }),
        { abortSignal: options?.signal },
      );
      return mapBodyErrors(out.Body as AsyncIterable<Uint8Array>, this.remote);
    } catch (err) {
      throw fromS3Error(err, this.remote, "file");
    }
  }

  /** Deletes the object; S3 deletes missing keys without complaint, so a HEAD first tells `ObjectNotFound`. */
  async remove(options?: CallOptions): Promise<void> {
    const ref = this.fs.ref(this.remote);
    try {
      await this.fs.client.send(new HeadObjectCommand({ Bucket: ref.bucket, Key: ref.key }), {
        abortSignal: options?.signal,
      });
      await this.fs.client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key }), {
        abortSignal: options?.signal,
      });
    } catch (err) {
      throw fromS3Error(err, this.remote, "file");
    }
  }

  /** Rewrites the `mtime` metadata by copying the object onto itself (content and MD5 unchanged). */
  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    const ref = this.fs.ref(this.remote);
    const { metadata: old, contentType } = await this.stored(options);
    const metadata = copyMetadata(
      { ...old, [META_MTIME]: formatMtime(modTime) },
      this.md5(),
      this.size,
      this.fs.options.copy_cutoff,
    );
    try {
      await copyObject(
        this.fs.client,
        this.fs.options,
        { ...ref, size: this.size },
        ref,
        metadata,
        contentType,
        options?.signal,
      );
    } catch (err) {
      throw fromS3Error(err, this.remote, "file");
    }
    this.meta = { metadata, contentType };
    this.modTime = modTime;
  }

  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    if (type !== "md5") throw notImplemented(`hash ${type}`, this.remote);
    // A multipart ETag is no MD5: the one rclone and strata keep is in the metadata.
    if (!this.md5()) await this.stored(options);
    return this.md5();
  }
}

/** The response body, with a connection lost mid-read reported as `Transient`. */
async function* mapBodyErrors(body: AsyncIterable<Uint8Array>, remote: string): Body {
  try {
    yield* body;
  } catch (err) {
    throw fromS3Error(err, remote, "file");
  }
}
