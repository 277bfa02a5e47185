/**
 * The erasure Fs: one file = n shards, shard i on upstream i (docs/erasure-format.md). Listings cost
 * one list per upstream; a file is listed when k shards of one version are present.
 */
import { resolveRange } from "../../fs/body.js";
import { FsError, isFsError } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { baseName, joinRemote, parentOf, unsafeSegment } from "../../fs/path.js";
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
import { cleanUpShards } from "./cleanup.js";
import { voteTrailers } from "./consensus.js";
import { describeShard, SegmentReader, type StoredVersion } from "./download.js";
import { readHead, readTail } from "./ends.js";
import {
  decodeTrailer,
  HEADER_SIZE,
  headerFor,
  Layout,
  parseShardName,
  type ShardName,
  type ShardTrailer,
  shardName,
  TRAILER_SIZE,
} from "./format.js";
import type { ErasurePlan } from "./options.js";
import type { ReedSolomon } from "./rs/index.js";
import { closeBody, rename, ShardUploader, type Uploaded, type UploadRequest } from "./upload.js";

/** The shards of one version of one file, as the upstream listings show them. */
interface Version {
  name: string;
  size: number;
  vid: number;
  shards: (FsObject | undefined)[];
}

/** A directory's contents across upstreams: versions per file name, and subdirectories. */
interface DirIndex {
  files: Map<string, Version[]>;
  dirs: Map<string, Directory>;
}

export class ErasureFs implements Fs {
  readonly features;
  readonly hashes: ReadonlySet<HashType> = new Set<HashType>(["md5", "sha1"]);
  readonly precision: number;
  private readonly uploader: ShardUploader;
  private lastVid = 0;
  /**
   * The last listing of each directory, kept up to date by this Fs's own writes, so an upload
   * finds the versions it replaces without listing n upstreams per file. Another writer's changes
   * are seen at the next listing; until then the newest version still wins and leftovers are
   * `cleanup`'s.
   */
  private readonly indexes = new Map<string, DirIndex>();
  /** `vid:remote` of the versions uploads and rebuilds in this process are writing. */
  private readonly writing = new Set<string>();

  constructor(
    readonly name: string,
    readonly root: string,
    readonly upstreams: readonly Fs[],
    readonly plan: ErasurePlan,
    readonly rs: ReedSolomon,
  ) {
    this.precision = Math.max(...upstreams.map((u) => u.precision));
    const all = (op: "move" | "copy" | "dirMove" | "purge" | "putStream") => upstreams.every((u) => u.features[op]);
    this.features = fillFeatures(
      {
        move: all("move") ? this.move.bind(this) : undefined,
        copy: all("copy") ? this.copy.bind(this) : undefined,
        dirMove: all("dirMove") ? this.dirMove.bind(this) : undefined,
        purge: all("purge") ? this.purge.bind(this) : undefined,
        putStream: all("putStream") ? this.putStream.bind(this) : undefined,
        cleanUp: this.cleanUp.bind(this),
      },
      {
        canHaveEmptyDirs: upstreams.every((u) => u.features.canHaveEmptyDirs),
        caseInsensitive: upstreams.some((u) => u.features.caseInsensitive),
        bucketBased: upstreams.some((u) => u.features.bucketBased),
      },
    );
    this.uploader = new ShardUploader(plan, upstreams, rs);
  }

  toString(): string {
    return `Erasure '${this.name}:${this.root}'`;
  }

  /** Lists `dir` on every upstream; fails only when no upstream has it or more than m cannot answer. */
  private async index(dir: string, options?: CallOptions): Promise<DirIndex> {
    const results = await Promise.allSettled(this.upstreams.map((u) => u.list(dir, options)));
    const files = new Map<string, Version[]>();
    const dirs = new Map<string, Directory>();
    let found = 0;
    const errors: unknown[] = [];
    // Decoded names such as `..` would climb out of the directory: never listed, named once each.
    const unsafe = new Set<string>();
    for (const [index, r] of results.entries()) {
      if (r.status === "rejected") {
        if (!isFsError(r.reason, "DirNotFound")) errors.push(r.reason);
        continue;
      }
      found++;
      for (const e of r.value) {
        if (e.kind === "dir") {
          if (!dirs.has(e.remote)) dirs.set(e.remote, e);
          continue;
        }
        const s = parseShardName(baseName(e.remote));
        if (!s || s.index !== index) continue;
        const why = unsafeSegment(s.name);
        if (why) {
          unsafe.add(why);
          continue;
        }
        addShard(files, s, e, this.upstreams.length);
      }
    }
    for (const why of unsafe)
      log.notice(dir || undefined, `erasure: skipping the shards of an unsafe file name (${why})`);
    // Beyond m unreachable upstreams some files could not be told apart from missing ones.
    if (errors.length > this.plan.m) throw errors[0];
    if (found === 0) {
      this.indexes.delete(dir);
      throw new FsError("DirNotFound", "directory not found", { path: dir });
    }
    const idx = { files, dirs };
    this.indexes.set(dir, idx);
    return idx;
  }

  /** The versions of a file as last seen (listing its directory once if never seen). */
  private async versionsOf(remote: string, options?: CallOptions): Promise<Version[]> {
    const dir = parentOf(remote);
    let idx = this.indexes.get(dir);
    if (!idx) {
      try {
        idx = await this.index(dir, options);
      } catch (err) {
        if (!isFsError(err, "DirNotFound")) throw err;
        idx = { files: new Map(), dirs: new Map() };
        this.indexes.set(dir, idx);
      }
    }
    return idx.files.get(baseName(remote)) ?? [];
  }

  /** Records that `remote` now has exactly `versions` (none: removed). */
  private remember(remote: string, versions: Version[]): void {
    const idx = this.indexes.get(parentOf(remote));
    if (!idx) return;
    if (versions.length > 0) idx.files.set(baseName(remote), versions);
    else idx.files.delete(baseName(remote));
  }

  /** Forgets a removed version of `remote`. */
  forget(remote: string, version: Version): void {
    const idx = this.indexes.get(parentOf(remote));
    const left = idx?.files.get(baseName(remote))?.filter((v) => v.vid !== version.vid);
    if (left) this.remember(remote, left);
  }

  /** The version a file reads as: the newest with at least k shards. */
  private current(versions: Version[] | undefined): Version | undefined {
    const complete = (versions ?? []).filter((v) => v.shards.filter(Boolean).length >= this.plan.k);
    return complete.sort((a, b) => b.vid - a.vid)[0];
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const { files, dirs } = await this.index(dir, options);
    const out: Entry[] = [...dirs.values()];
    for (const [name, versions] of files) {
      const v = this.current(versions);
      if (v) out.push(this.objectOf(joinRemote(dir, name), v));
      else log.notice(joinRemote(dir, name), `fewer than ${this.plan.k} shards present: not listed`);
    }
    return out;
  }

  private objectOf(remote: string, v: Version): ErasureObject {
    const modTime = (v.shards.find(Boolean) as FsObject).modTime;
    return new ErasureObject(this, remote, v, modTime);
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    let idx: DirIndex;
    try {
      idx = await this.index(parentOf(remote), options);
    } catch (err) {
      if (isFsError(err, "DirNotFound")) throw new FsError("ObjectNotFound", "object not found", { path: remote });
      throw err;
    }
    const v = this.current(idx.files.get(baseName(remote)));
    if (!v) {
      if (idx.dirs.has(remote)) throw new FsError("IsDir", "is a directory", { path: remote });
      throw new FsError("ObjectNotFound", "object not found", { path: remote });
    }
    return this.objectOf(remote, v);
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const remote = src.remote;
    const dir = parentOf(remote);
    const name = baseName(remote);
    let older: Version[];
    try {
      older = await this.versionsOf(remote, options);
    } catch (err) {
      await closeBody(body);
      throw err;
    }
    const vid = this.newVid(older);
    const release = this.beginWrite(remote, vid);
    const up = await this.uploader
      .upload(
        { body, dir, name, size: src.size, modTime: src.modTime, vid, inFlight: inFlightOf(src) },
        { signal: options?.signal },
      )
      .finally(release);
    if (up.notStored.length > 0) this.reportNotStored(remote, up.notStored);
    await this.removeVersions(remote, older, options);
    const v: Version = { name, size: up.size, vid, shards: up.shards };
    this.remember(remote, [v]);
    const obj = new ErasureObject(this, remote, v, src.modTime);
    obj.trailer = { size: up.size, segments: Math.ceil(up.size / this.plan.segmentSize), md5: up.md5, sha1: up.sha1 };
    return obj;
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /**
   * Shards that uploads through this Fs did not store (happy < n let them succeed without them).
   * Each is named at NOTICE when it happens; `erasure status` and `verify` show such files as
   * degraded, and `erasure rebuild` writes what they lack.
   */
  shardsNotStored = 0;
  /** Uploads that succeeded with fewer than n shards. */
  degradedUploads = 0;

  private reportNotStored(remote: string, missing: Uploaded["notStored"]): void {
    this.degradedUploads++;
    this.shardsNotStored += missing.length;
    const n = this.upstreams.length;
    const which = missing.map((s) => `shard ${s.index} (${this.upstreams[s.index]}): ${s.reason}`);
    log.notice(
      remote,
      `stored ${n - missing.length} of ${n} shards, degraded until rebuilt; not stored: ${which.join("; ")}`,
    );
  }

  /** Marks version `vid` of `remote` as being written until the returned function is called. */
  beginWrite(remote: string, vid: number): () => void {
    const key = `${vid}:${remote}`;
    this.writing.add(key);
    return () => this.writing.delete(key);
  }

  /** Whether an upload or rebuild in this process is writing version `vid` of `remote`. */
  isWriting(remote: string, vid: number): boolean {
    return this.writing.has(`${vid}:${remote}`);
  }

  /** `cleanUp` honours `dryRun` (see `cleanup.ts`), so a dry run may call it. */
  readonly cleanUpDryRun = true;

  /** Removes temporary shards and superseded versions, then runs each upstream's `cleanUp`. See `cleanUpShards`. */
  cleanUp(options?: CleanUpOptions): Promise<void> {
    return cleanUpShards(this, options);
  }

  /** A version id newer than the clock's last and than every version already there. */
  private newVid(existing: Version[]): number {
    const vid = Math.max(Date.now(), this.lastVid + 1, ...existing.map((v) => v.vid + 1));
    this.lastVid = vid;
    return vid;
  }

  /** Removes the shards of versions a newer one replaced (missing ones are fine). */
  private async removeVersions(remote: string, versions: Version[], options?: CallOptions): Promise<void> {
    const shards = versions.flatMap((v) => v.shards.filter((s): s is FsObject => s !== undefined));
    const results = await Promise.allSettled(shards.map((s) => s.remove(options)));
    for (const r of results) {
      if (r.status === "rejected" && !isFsError(r.reason, "ObjectNotFound")) {
        log.notice(remote, `old shard not removed (strata cleanup will): ${(r.reason as Error).message}`);
      }
    }
  }

  /** Runs `op` on every upstream; succeeds when at least `need` do. */
  private async onUpstreams(
    op: (u: Fs) => Promise<unknown>,
    need: number,
    ignore: readonly string[] = [],
  ): Promise<PromiseSettledResult<unknown>[]> {
    const results = await Promise.allSettled(this.upstreams.map(op));
    const ok = results.filter((r) => r.status === "fulfilled" || isFsError(r.reason, ...(ignore as never[]))).length;
    if (ok < need) {
      throw (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
    }
    return results;
  }

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    await this.onUpstreams((u) => u.mkdir(dir, options), this.plan.happy);
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    this.indexes.clear();
    const results = await Promise.allSettled(this.upstreams.map((u) => u.rmdir(dir, options)));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    const notEmpty = errors.find((e) => isFsError(e, "DirNotEmpty"));
    if (notEmpty) throw notEmpty;
    if (errors.length === results.length) throw firstOf(errors, "DirNotFound");
  }

  async purge(dir: string, options?: CallOptions): Promise<void> {
    this.indexes.clear();
    const results = await Promise.allSettled(
      this.upstreams.map((u) => (u.features.purge as NonNullable<Fs["features"]["purge"]>)(dir, options)),
    );
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (errors.length === results.length) throw firstOf(errors, "DirNotFound");
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    this.indexes.clear();
    if (!(src instanceof ErasureFs) || !sameUpstreams(src, this)) {
      throw new FsError("CantDirMove", "source is not an erasure remote over the same upstreams");
    }
    src.indexes.clear();
    // An upstream without the directory (it was down when it was made) has nothing to move; one
    // that is down now keeps its shards at the old path, where too few remain to be listed.
    await this.onUpstreams(
      (u) => {
        const from = src.upstreams[this.upstreams.indexOf(u)] as Fs;
        return (u.features.dirMove as NonNullable<Fs["features"]["dirMove"]>)(from, srcRemote, dstRemote, options);
      },
      this.plan.happy,
      ["DirNotFound"],
    );
  }

  async copy(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    return this.transfer(src, remote, "copy", options);
  }

  async move(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    return this.transfer(src, remote, "move", options);
  }

  /** Server-side copy or move: each shard moves on its own upstream under the new file name. */
  private async transfer(
    src: FsObject,
    remote: string,
    how: "copy" | "move",
    options?: CallOptions,
  ): Promise<FsObject> {
    if (!(src instanceof ErasureObject) || !sameUpstreams(src.fs, this)) {
      throw new FsError(how === "copy" ? "CantCopy" : "CantMove", "source is not on the same upstreams");
    }
    const dir = parentOf(remote);
    const name = baseName(remote);
    const older = (await this.versionsOf(remote, options)).filter((v) => v.vid !== src.version.vid);
    const vid = src.version.vid;
    const results = await Promise.allSettled(
      src.version.shards.map(async (shard, index) => {
        if (!shard) return undefined;
        const u = this.upstreams[index] as Fs;
        const to = joinRemote(dir, shardName({ name, size: src.size, vid, index }));
        if (how === "move") return rename(u, shard, to, options);
        return (u.features.copy as NonNullable<Fs["features"]["copy"]>)(shard, to, options);
      }),
    );
    const shards = results.map((r) => (r.status === "fulfilled" ? r.value : undefined));
    if (shards.filter(Boolean).length < this.plan.k) {
      throw (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
    }
    await this.removeVersions(remote, older, options);
    const v: Version = { name, size: src.size, vid, shards };
    this.remember(remote, [v]);
    if (how === "move") src.fs.forget(src.remote, src.version);
    return new ErasureObject(this, remote, v, src.modTime);
  }

  /**
   * The whole-file size and hashes most of the version's trailers agree on. A majority of the
   * present shards is read first; when their trailers are all valid and agree, that settles it
   * (no minority can outvote them); otherwise every shard is read and the majority of valid
   * trailers wins, so one damaged or forged trailer (checksum recomputed) does not decide. Throws
   * `Corrupt` naming the file and each shard's problem when no trailer is valid.
   */
  async readTrailer(v: Version, remote: string, options?: CallOptions): Promise<ShardTrailer> {
    const present = v.shards.flatMap((obj, index) => (obj ? [{ obj, index }] : []));
    const reasons: string[] = [];
    const read = (shards: typeof present) =>
      Promise.all(
        shards.map(async ({ obj, index }) => {
          const t = await this.shardTrailer(v, obj, index, options);
          if (typeof t === "string") reasons.push(`${describeShard(index, obj)}: ${t}`);
          return typeof t === "string" ? undefined : t;
        }),
      );
    const majority = Math.floor(present.length / 2) + 1;
    let trailers = await read(present.slice(0, majority));
    const [first] = trailers;
    const unanimous = first && trailers.every((t) => t && t.md5 === first.md5 && t.sha1 === first.sha1);
    if (!unanimous && present.length > majority) {
      reasons.length = 0;
      trailers = await read(present);
    }
    const trailer = voteTrailers(trailers);
    if (!trailer)
      throw new FsError("Corrupt", `no shard has a valid trailer (${reasons.join("; ")})`, { path: remote });
    return trailer;
  }

  /** Shard `index`'s trailer when its header and trailer are valid and fit the version, else why not. */
  private async shardTrailer(
    v: Version,
    obj: FsObject,
    index: number,
    options?: CallOptions,
  ): Promise<ShardTrailer | string> {
    const { k, m } = this.plan;
    try {
      const [header, trailer] = await Promise.all([readHead(obj, options), readTail(obj, options)]);
      const h = headerFor(header, { index, vid: v.vid, k, m });
      if (typeof h === "string") return h;
      if (obj.size < HEADER_SIZE + TRAILER_SIZE) return "shard too short for a trailer";
      const t = decodeTrailer(trailer, header);
      if (typeof t === "string") return t;
      const segments = new Layout(v.size, k, h.segmentSize).segments;
      if (t.size !== v.size || t.segments !== segments) {
        return `trailer says ${t.size} bytes in ${t.segments} segments, the name ${v.size} bytes`;
      }
      return t;
    } catch (err) {
      return `cannot be read: ${(err as Error).message}`;
    }
  }
}

/** The first error with `code` (what the reachable upstreams said), else the first error. */
function firstOf(errors: unknown[], code: "DirNotFound"): unknown {
  return errors.find((e) => isFsError(e, code)) ?? errors[0];
}

function addShard(files: Map<string, Version[]>, s: ShardName, obj: FsObject, n: number): void {
  const versions = files.get(s.name) ?? [];
  files.set(s.name, versions);
  let v = versions.find((x) => x.vid === s.vid && x.size === s.size);
  if (!v) {
    v = { name: s.name, size: s.size, vid: s.vid, shards: new Array(n).fill(undefined) };
    versions.push(v);
  }
  v.shards[s.index] = obj;
}

function sameUpstreams(a: Fs, b: ErasureFs): boolean {
  return (
    a instanceof ErasureFs &&
    a.upstreams.length === b.upstreams.length &&
    a.upstreams.every((u, i) => u === b.upstreams[i] || u.toString() === (b.upstreams[i] as Fs).toString())
  );
}

export class ErasureObject implements FsObject {
  readonly kind = "file";
  trailer: ShardTrailer | undefined;

  constructor(
    readonly fs: ErasureFs,
    readonly remote: string,
    readonly version: Version,
    public modTime: Date,
  ) {}

  get size(): number {
    return this.version.size;
  }

  /** The segment size the file was written with, once a read found it differs from the option's. */
  private segmentSize: number | undefined;

  /** What a read of this file needs to know. */
  stored(): StoredVersion {
    const { k, m } = this.fs.plan;
    const segmentSize = this.segmentSize ?? this.fs.plan.segmentSize;
    return {
      remote: this.remote,
      size: this.size,
      vid: this.version.vid,
      k,
      m,
      segmentSize,
      shards: this.version.shards,
    };
  }

  /** Throws `Corrupt` (naming the file, and each bad shard or piece) when fewer than k good pieces of a segment are left. */
  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    const reader = new SegmentReader(this.stored(), this.fs.rs, this.fs.plan.downloadExtra, options);
    const self = this;
    return (async function* () {
      try {
        yield* reader.read(start, end);
      } finally {
        if (reader.segmentSize !== self.fs.plan.segmentSize) self.segmentSize = reader.segmentSize;
      }
    })();
  }

  async remove(options?: CallOptions): Promise<void> {
    const results = await Promise.allSettled(this.version.shards.map((s) => s?.remove(options)));
    const present = this.version.shards.filter(Boolean).length;
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

/** The caller's in-flight plaintext hash, when it is one the trailer keeps. */
function inFlightOf(src: ObjectInfo): UploadRequest["inFlight"] {
  const type = src.hashedInFlight;
  if ((type !== "md5" && type !== "sha1") || !src.hash) return undefined;
  const hash = src.hash.bind(src);
  return { type, digest: () => hash(type) };
}
