/**
 * Multipart uploads: each part is spooled to a file of a temporary directory (one per upload);
 * completing the upload puts the parts, in order, as one object through the verified upload path.
 * Nothing is visible under the key before that succeeds.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { tapBody } from "../../fs/body.js";
import type { Body } from "../../fs/types.js";
import { S3Error } from "./errors.js";

interface Upload {
  remote: string;
  modTime: Date | undefined;
  dir: string;
  /** Part number → MD5 (hex) of the part stored. */
  parts: Map<number, string>;
}

/** A part the client lists in CompleteMultipartUpload. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** The uploads in progress on one server. */
export class MultipartUploads {
  private root: string | undefined;
  private readonly uploads = new Map<string, Upload>();

  /** Starts an upload to `remote`; returns its id. */
  async create(remote: string, modTime: Date | undefined): Promise<string> {
    this.root ??= await mkdtemp(join(tmpdir(), "strata-serve-s3-"));
    const id = randomBytes(16).toString("hex");
    const dir = join(this.root, id);
    await mkdir(dir);
    this.uploads.set(id, { remote, modTime, dir, parts: new Map() });
    return id;
  }

  private upload(id: string, remote: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.remote !== remote) {
      throw new S3Error(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
      );
    }
    return upload;
  }

  /** Spools part `partNumber` (1–10000) of upload `id`, replacing an earlier one; returns its MD5 (hex). */
  async putPart(id: string, remote: string, partNumber: number, body: Body): Promise<string> {
    const upload = this.upload(id, remote);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
      throw new S3Error("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
    }
    const md5 = createHash("md5");
    const file = join(upload.dir, String(partNumber));
    // Written aside and renamed, so a part cut short never replaces one that arrived whole.
    const partial = `${file}.${randomBytes(4).toString("hex")}`;
    try {
      await pipeline(
        Readable.from(
          tapBody(body, (part) => {
            md5.update(part);
          }),
        ),
        createWriteStream(partial),
      );
      await rename(partial, file);
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
    const digest = md5.digest("hex");
    upload.parts.set(partNumber, digest);
    return digest;
  }

  /**
   * The object `parts` of upload `id` make, for the caller to store: their files in order, their
   * total size and the upload's modtime. Throws `InvalidPart` for a part not uploaded (or with
   * another ETag) and `InvalidPartOrder` when the numbers do not ascend.
   */
  async assemble(
    id: string,
    remote: string,
    parts: CompletedPart[],
  ): Promise<{ body: Body; size: number; modTime: Date | undefined }> {
    const upload = this.upload(id, remote);
    if (parts.length === 0) throw new S3Error("MalformedXML", "no parts listed");
    let size = 0;
    const files: string[] = [];
    for (const [i, part] of parts.entries()) {
      if (i > 0 && part.partNumber <= (parts[i - 1] as CompletedPart).partNumber) {
        throw new S3Error("InvalidPartOrder", "The list of parts was not in ascending order.");
      }
      const stored = upload.parts.get(part.partNumber);
      // The quotes around the ETag come back raw or as entities (Go's XML encoder writes &#34;).
      const given = /[0-9a-f]{32}/i.exec(part.etag)?.[0].toLowerCase();
      if (stored === undefined || stored !== given) {
        throw new S3Error("InvalidPart", `part ${part.partNumber} was not uploaded or its ETag differs`);
      }
      const file = join(upload.dir, String(part.partNumber));
      files.push(file);
      size += (await stat(file)).size;
    }
    async function* concat(): Body {
      for (const file of files) yield* createReadStream(file, { highWaterMark: 1 << 20 });
    }
    return { body: concat(), size, modTime: upload.modTime };
  }

  /** Ends upload `id`: its spooled parts are removed. Throws `NoSuchUpload` for an unknown one. */
  async remove(id: string, remote: string): Promise<void> {
    const upload = this.upload(id, remote);
    this.uploads.delete(id);
    await rm(upload.dir, { recursive: true, force: true });
  }

  /** Removes every spooled part (the server is stopping). */
  async close(): Promise<void> {
    this.uploads.clear();
    if (this.root) await rm(this.root, { recursive: true, force: true });
  }
}
