/**
 * One erasure file as listed: its current version's shards, read with the version's own k, m and
 * segment size. A read whose version is replaced under it (a re-encode, or an upload from another
 * process, removing the shards it reads) goes on from the same offset on the new version when
 * that one holds the same bytes.
 */
import { resolveRange } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import type { HashType } from "../../fs/hashes.js";
import { loadVia } from "../../fs/modtime.js";
import type { Body, CallOptions, FsObject, OpenOptions } from "../../fs/types.js";
import { SegmentReader, type StoredVersion } from "./download.js";
import type { ShardTrailer } from "./format.js";
import type { ErasureFs } from "./fs.js";
import type { StoredFile } from "./versions.js";

/** How many times one read follows its file to a newer version before giving up. */
const MAX_SUCCESSORS = 3;

export class ErasureObject implements FsObject {
  readonly kind = "file";
  trailer: ShardTrailer | undefined;

  constructor(
    readonly fs: ErasureFs,
    readonly remote: string,
    readonly version: StoredFile,
    public modTime: Date,
  ) {}

  get size(): number {
    return this.version.size;
  }

  /**
   * Loads the modtime of the shard the file's modtime comes from, where the upstream's listing
   * left it to be loaded (S3); the shards of a version all carry the same one.
   */
  get loadModTime(): FsObject["loadModTime"] {
    const shard = this.version.shards.find((s) => s !== undefined);
    return loadVia(shard, (t) => {
      this.modTime = t;
    });
  }

  /** The segment size the file was written with, once a read found it differs from the option's. */
  private segmentSize: number | undefined;

  /** What a read of this file needs to know. */
  stored(): StoredVersion {
    const { vid, k, m, shards } = this.version;
    const segmentSize = this.segmentSize ?? this.fs.plan.segmentSize;
    return { remote: this.remote, size: this.size, vid, k, m, segmentSize, shards };
  }

  /**
   * Throws `Corrupt` (naming the file, and each bad shard or piece) when fewer than k good pieces
   * of a segment are left, and `Transient` when the file was replaced by other bytes while it was
   * being read.
   */
  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    const self = this;
    // The bytes a read has returned are tied to this version's hashes: taken from one shard while
    // the read runs, so a read that loses its version can tell whether the next one is the same file.
    const stop = new AbortController();
    const signal = options?.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const spansSegments = end - start > this.stored().segmentSize;
    const hint = this.trailer ?? (spansSegments ? this.trailerHint(signal) : undefined);
    return (async function* () {
      let obj: ErasureObject = self;
      let at = start;
      try {
        for (let moves = 0; ; moves++) {
          const rs = await self.fs.codec(obj.version.k, obj.version.m);
          const reader = new SegmentReader(obj.stored(), rs, self.fs.plan.downloadExtra, options);
          try {
            for await (const chunk of reader.read(at, end)) {
              at += chunk.length;
              yield chunk;
            }
            return;
          } catch (err) {
            if (options?.signal?.aborted || moves >= MAX_SUCCESSORS) throw err;
            const next = await obj.successor(at > start ? await hint : obj.trailer, at > start, options);
            if (!next) throw err;
            obj = next;
          } finally {
            if (reader.segmentSize !== self.fs.plan.segmentSize) obj.segmentSize = reader.segmentSize;
          }
        }
      } finally {
        stop.abort();
      }
    })();
  }

  /** The trailer of the first present shard that has a valid one, or undefined. */
  private async trailerHint(signal: AbortSignal): Promise<ShardTrailer | undefined> {
    for (const [index, obj] of this.version.shards.entries()) {
      if (!obj || signal.aborted) continue;
      const t = await this.fs.shardTrailer(this.version, obj, index, { signal });
      if (typeof t !== "string") return t;
    }
    return undefined;
  }

  /**
   * The file's current version when it is not this one and a read may go on with it: always when
   * nothing was returned yet, else only when it has the same size and the hashes of `was` (this
   * version's). Undefined when the file still reads as this version (the failure is its own) or is
   * gone; throws `Transient` when it now holds other bytes.
   */
  private async successor(
    was: ShardTrailer | undefined,
    returned: boolean,
    options?: CallOptions,
  ): Promise<ErasureObject | undefined> {
    let now: FsObject;
    try {
      now = await this.fs.newObject(this.remote, options);
    } catch (err) {
      if (isFsError(err, "ObjectNotFound")) return undefined;
      throw err;
    }
    if (!(now instanceof ErasureObject) || now.version.vid === this.version.vid) return undefined;
    if (!returned) return now;
    const same =
      was !== undefined &&
      now.size === this.size &&
      (await now.hash("md5", options)) === was.md5 &&
      (await now.hash("sha1", options)) === was.sha1;
    if (!same)
      throw new FsError("Transient", "changed while being read (replaced by other bytes)", { path: this.remote });
    return now;
  }

  async remove(options?: CallOptions): Promise<void> {
    const copies = [...this.version.shards, ...this.version.duplicates.map((d) => d.obj)];
    const results = await Promise.allSettled(copies.map((s) => s?.remove(options)));
    const present = copies.filter(Boolean).length;
    const gone = results.filter((r) => r.status === "rejected" && isFsError(r.reason, "ObjectNotFound")).length;
    const failed = results.find((r) => r.status === "rejected" && !isFsError(r.reason, "ObjectNotFound"));
    if (failed) throw (failed as PromiseRejectedResult).reason;
    this.fs.forget(this.remote, this.version);
    if (present > 0 && gone === present) throw new FsError("ObjectNotFound", "object not found", { path: this.remote });
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    await Promise.all(this.version.shards.map((s) => s?.setModTime(modTime, options)));
    this.modTime = modTime;
  }

  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    if (type !== "md5" && type !== "sha1") throw new FsError("NotImplemented", `hash ${type}`, { path: this.remote });
    this.trailer ??= await this.fs.readTrailer(this.version, this.remote, options);
    return this.trailer[type];
  }
}
