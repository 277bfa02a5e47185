/** A file seen through the chunker: plain (one wrapped object) or composite (chunks + metadata). */
import { resolveRange, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import { streamHasher } from "../../fs/hash-worker.js";
import type { HashType } from "../../fs/hashes.js";
import { OverlayObject } from "../../fs/overlay.js";
import { baseName } from "../../fs/path.js";
import type { Body, CallOptions, FsObject, OpenOptions } from "../../fs/types.js";
import type { ChunkerFs } from "./fs.js";
import { type ChunkerMeta, parseMeta } from "./meta.js";

export class ChunkerObject extends OverlayObject {
  readonly size: number;
  modTime: Date;
  /** Metadata once read and checked; undefined for plain files and meta_format none. */
  private meta: ChunkerMeta | undefined;
  /** Set when an unsure composite turned out to be a plain file with stray chunks. */
  private fallback = false;

  constructor(
    override readonly fs: ChunkerFs,
    remote: string,
    readonly main: FsObject | undefined,
    readonly chunks?: FsObject[],
    private readonly unsure = false,
    meta?: ChunkerMeta,
    modTime?: Date,
  ) {
    super(fs, remote);
    this.meta = meta;
    this.size = chunks ? chunks.reduce((n, c) => n + c.size, 0) : (main as FsObject).size;
    // The metadata object's modtime, or the plain file's, or chunk 0's without metadata (spec §12).
    const timed = (fs.useMeta && main) || !chunks ? main : chunks[0];
    this.modTime = modTime ?? (timed as FsObject).modTime;
    if (!modTime) this.modTimeSource = timed;
  }

  /** The hash whole reads are checked against, once the metadata is read and keeps one (see `open`). */
  get checksWholeRead(): HashType | undefined {
    if (!this.isComposite) return undefined;
    return this.meta?.md5 ? "md5" : this.meta?.sha1 ? "sha1" : undefined;
  }

  /** Whether the content lives in chunks (rather than in the main object). */
  get isComposite(): boolean {
    return this.chunks !== undefined && !this.fallback;
  }

  /**
   * Reads and checks the metadata of a composite (spec §9 step 4–5). Throws `Corrupt` for invalid
   * or mismatching metadata, `NotImplemented` for a newer metadata version.
   */
  async validMeta(options?: CallOptions): Promise<ChunkerMeta | undefined> {
    if (!this.fs.useMeta || !this.chunks || this.fallback) return undefined;
    if (this.meta) return this.meta;
    const main = this.main as FsObject;
    // Only the signal: `options` may be a caller's byte range.
    const parsed = parseMeta(await toBytes(await main.open({ signal: options?.signal })));
    if (parsed.status === "not-metadata") {
      if (this.unsure) {
        this.fallback = true;
        return undefined;
      }
      throw new FsError("Corrupt", `invalid metadata: ${parsed.reason}`, { path: this.remote });
    }
    if (parsed.status === "unsupported") {
      throw new FsError("NotImplemented", parsed.reason, { path: this.remote });
    }
    const { meta } = parsed;
    if (meta.size !== this.size || meta.nchunks !== this.chunks.length) {
      throw new FsError("Corrupt", "metadata doesn't match file size", { path: this.remote });
    }
    this.meta = meta;
    return meta;
  }

  async open(options?: OpenOptions): Promise<Body> {
    await this.validMeta({ signal: options?.signal });
    if (!this.isComposite) return (this.main as FsObject).open(options);
    const { start, end } = resolveRange(options, this.size);
    const signal = options?.signal;
    const chunks = this.chunks as FsObject[];
    const remote = this.remote;
    // A whole read is checked against the hash the metadata keeps, so chunks swapped or damaged
    // since the upload fail the read instead of returning other bytes.
    const type = this.meta?.md5 ? "md5" : this.meta?.sha1 ? "sha1" : undefined;
    const want = type && start === 0 && end === this.size ? this.meta?.[type] : undefined;
    const hasher = want ? streamHasher(type as HashType, this.size) : undefined;
    return (async function* () {
      try {
        let at = 0;
        for (const c of chunks) {
          const from = at;
          at += c.size;
          if (at <= start || c.size === 0) continue;
          if (from >= end) break;
          const offset = Math.max(start - from, 0);
          const length = Math.min(end, at) - from - offset;
          // A chunk changed since it was listed must fail the read, never shorten or shift the content.
          let got = 0;
          for await (const part of await c.open({ offset, length, signal })) {
            got += part.length;
            if (got > length) break;
            const hashing = hasher?.update(part);
            if (hashing) await hashing;
            yield part;
          }
          if (got !== length) {
            throw new FsError("Corrupt", `chunk ${baseName(c.remote)} has changed size since it was listed`, {
              path: remote,
            });
          }
        }
        const digest = await hasher?.digest();
        if (digest !== undefined && digest !== want?.toLowerCase()) {
          throw new FsError("Corrupt", `${type} of the chunks differs from the metadata's (${digest} vs ${want})`, {
            path: remote,
          });
        }
      } finally {
        // Releases a worker hasher when the read failed or was abandoned (digest may be asked again).
        await hasher?.digest();
      }
    })();
  }

  async remove(options?: CallOptions): Promise<void> {
    // The first removal reports a file that is already gone; the rest may be partly gone after a crash.
    const [first, ...rest] = this.main ? [this.main, ...(this.chunks ?? [])] : (this.chunks as FsObject[]);
    await (first as FsObject).remove(options);
    await this.fs.removeObjects(rest, options);
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    const target = this.fs.useMeta || !this.chunks ? this.main : this.chunks[0];
    if (this.chunks) await this.validMeta(options);
    await (target as FsObject).setModTime(modTime, options);
    this.modTime = modTime;
  }

  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    if (!this.fs.hashes.has(type)) throw notImplemented(`hash ${type}`, this.remote);
    await this.validMeta(options);
    if (!this.isComposite) {
      try {
        return await (this.main as FsObject).hash(type, options);
      } catch (err) {
        if (isFsError(err, "NotImplemented")) return undefined;
        throw err;
      }
    }
    return this.meta?.[type as "md5" | "sha1"]?.toLowerCase();
  }
}
