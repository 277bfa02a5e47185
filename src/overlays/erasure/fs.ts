/**
 * The erasure Fs: one file = k + m shards on as many upstreams (shard i on upstream i, or chosen
 * from a pool: placement.ts), found by name on whichever upstream holds them
 * (docs/erasure-format.md). Listings cost one list per upstream; a file is listed when k shards of
 * one version are present.
 */
import { FsError, isFsError } from "../../fs/errors.js";
import { type Features, type OptionalOpName, requireOp } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { objectUnderLayers, underLayers } from "../../fs/layers/layer.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { overlayFeatures, type Spreading, sameConfig } from "../../fs/overlay.js";
import { baseName, joinRemote, parentOf } from "../../fs/path.js";
import type {
  Body,
  CallOptions,
  Directory,
  Entry,
  Fs,
  FsObject,
  ObjectInfo,
  PutOptions,
  Usage,
} from "../../fs/types.js";
import { cleanUpShards } from "./cleanup.js";
import { voteTrailers } from "./consensus.js";
import { withinRedundancy } from "./domains.js";
import { describeShard } from "./download.js";
import { readHead, readTail } from "./ends.js";
import { decodeTrailer, HEADER_SIZE, headerFor, Layout, type ShardTrailer, shardName, TRAILER_SIZE } from "./format.js";
import { ErasureObject } from "./object.js";
import type { ErasurePlan } from "./options.js";
import { Placement } from "./placement.js";
import { type ReedSolomon, reedSolomon } from "./rs/index.js";
import { UnreachableFs } from "./unreachable.js";
import { closeBody, rename, ShardUploader, type Uploaded, type UploadRequest } from "./upload.js";
import { currentVersion, groupShards, type StoredFile } from "./versions.js";

/** A directory's contents across upstreams: versions per file name (newest first), and subdirectories. */
interface DirIndex {
  files: Map<string, StoredFile[]>;
  dirs: Map<string, Directory>;
}

export class ErasureFs implements Spreading {
  readonly features: Features;
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
  /** Reed-Solomon codecs by `k/m`: each version is read with its own. */
  private readonly codecs = new Map<string, Promise<ReedSolomon>>();
  /** Where new shards go. */
  readonly placement: Placement;
  /** Upstreams whose last listing failed (for other reasons than a missing directory): placement avoids them. */
  readonly down = new Set<number>();

  /**
   * `acrossConfigs`: server-side operations take sources over upstreams of other configs
   * (--server-side-across-configs); the upstreams still decide whether they take the shards.
   */
  constructor(
    readonly name: string,
    readonly root: string,
    readonly upstreams: readonly Fs[],
    readonly plan: ErasurePlan,
    readonly rs: ReedSolomon,
    acrossConfigs = false,
  ) {
    this.precision = Math.max(...upstreams.map((u) => u.precision));
    // Every operation is done upstream by upstream, so each needs the same of all of them; hashes
    // come from the shards' trailers, never from reading a file.
    this.features = overlayFeatures(this, (op) => this.needsOf(op), upstreams, { slowHash: false }, acrossConfigs);
    this.uploader = new ShardUploader(plan, upstreams, rs);
    this.placement = new Placement(plan, upstreams);
    this.codecs.set(`${plan.k}/${plan.m}`, Promise.resolve(rs));
    for (const [i, u] of upstreams.entries()) if (u instanceof UnreachableFs) this.down.add(i);
  }

  /** What operation `op` needs of every upstream: the same operation, but nothing for `cleanUp` (temporary shards are ours). */
  needsOf(op: OptionalOpName): readonly OptionalOpName[] {
    return op === "cleanUp" ? [] : [op];
  }

  /**
   * The identity rule of server-side operations: `src` (under see-through layers) is an erasure Fs
   * with as many upstreams, each of the same config as this one's at the same place (or of any
   * config when server-side operations across configs are allowed). Each upstream still decides
   * whether it takes the shards.
   */
  takes(src: Fs): src is ErasureFs {
    const from = underLayers(src, true);
    return (
      from instanceof ErasureFs &&
      from.upstreams.length === this.upstreams.length &&
      (this.features.serverSideAcrossConfigs || from.upstreams.every((u, i) => sameConfig(u, this.upstreams[i] as Fs)))
    );
  }

  /**
   * Space as a user of this remote sees it: each figure summed over the upstreams and scaled by
   * k / (k + m), the share of stored bytes that is data; `objects` counts the files, not shards.
   * A figure is left out when an upstream does not give it.
   */
  async about(options?: CallOptions): Promise<Usage> {
    const all = await Promise.all(this.upstreams.map((u) => requireOp(u, "about")(options)));
    const { k, m } = this.plan;
    const scaled = (key: keyof Usage, share: number): number | undefined =>
      all.every((u) => u[key] !== undefined)
        ? Math.floor(share * all.reduce((sum, u) => sum + (u[key] ?? 0), 0))
        : undefined;
    const usage: Usage = {
      total: scaled("total", k / (k + m)),
      used: scaled("used", k / (k + m)),
      free: scaled("free", k / (k + m)),
      objects: scaled("objects", 1 / (k + m)),
    };
    return Object.fromEntries(Object.entries(usage).filter(([, v]) => v !== undefined));
  }

  /** The Reed-Solomon codec of versions with `k` data and `m` parity shards, made once per Fs. */
  codec(k: number, m: number): Promise<ReedSolomon> {
    const key = `${k}/${m}`;
    let codec = this.codecs.get(key);
    if (!codec) {
      codec = reedSolomon(k, m);
      this.codecs.set(key, codec);
    }
    return codec;
  }

  toString(): string {
    return `Erasure '${this.name}:${this.root}'`;
  }

  /**
   * Lists `dir` on every upstream; fails only when no upstream has it, or when the upstreams that
   * cannot answer are more than m and more than the failure domains promise to survive (beyond
   * that, some files could not be told apart from missing ones).
   */
  private async index(dir: string, options?: CallOptions): Promise<DirIndex> {
    const results = await Promise.allSettled(this.upstreams.map((u) => u.list(dir, options)));
    const dirs = new Map<string, Directory>();
    let found = 0;
    const errors: unknown[] = [];
    const listings = results.map((r, i) => {
      if (r.status === "rejected") {
        if (!isFsError(r.reason, "DirNotFound")) {
          errors.push(r.reason);
          this.down.add(i);
        } else this.down.delete(i);
        return undefined;
      }
      this.down.delete(i);
      found++;
      for (const e of r.value) if (e.kind === "dir" && !dirs.has(e.remote)) dirs.set(e.remote, e);
      return r.value;
    });
    const { files } = groupShards(dir, listings, this.rules());
    if (errors.length > this.plan.m && !withinRedundancy(this.down, this.plan.domains)) throw errors[0];
    if (found === 0) {
      this.indexes.delete(dir);
      throw new FsError("DirNotFound", "directory not found", { path: dir });
    }
    const idx = { files, dirs };
    this.indexes.set(dir, idx);
    return idx;
  }

  /** How `groupShards` reads this configuration's names. */
  rules(): { k: number; m: number; fixed: boolean } {
    return { k: this.plan.k, m: this.plan.m, fixed: !this.plan.pool };
  }

  /**
   * Lists `dir` as `index` does, once more when some file has shards but no version with k of
   * them: a commit or a re-encode caught between its renames and its removals shows a moment
   * like that, and a second look sees the version that is complete.
   */
  private async settledIndex(dir: string, options?: CallOptions): Promise<DirIndex> {
    const idx = await this.index(dir, options);
    for (const versions of idx.files.values()) {
      if (!currentVersion(versions)) return this.index(dir, options);
    }
    return idx;
  }

  /** The versions of a file as last seen (listing its directory once if never seen). */
  private async versionsOf(remote: string, options?: CallOptions): Promise<StoredFile[]> {
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
  private remember(remote: string, versions: StoredFile[]): void {
    const idx = this.indexes.get(parentOf(remote));
    if (!idx) return;
    if (versions.length > 0) idx.files.set(baseName(remote), versions);
    else idx.files.delete(baseName(remote));
  }

  /** Forgets a removed version of `remote`. */
  forget(remote: string, version: StoredFile): void {
    const idx = this.indexes.get(parentOf(remote));
    const left = idx?.files.get(baseName(remote))?.filter((v) => v.vid !== version.vid);
    if (left) this.remember(remote, left);
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const { files, dirs } = await this.settledIndex(dir, options);
    const out: Entry[] = [...dirs.values()];
    for (const [name, versions] of files) {
      const v = currentVersion(versions);
      if (v) out.push(this.objectOf(joinRemote(dir, name), v));
      else log.notice(joinRemote(dir, name), `fewer than ${versions[0]?.k} shards present: not listed`);
    }
    return out;
  }

  /** File `remote` as version `v` stores it, with the modtime its shards carry. Throws `Corrupt` for a version without shards. */
  objectOf(remote: string, v: StoredFile): ErasureObject {
    const shard = v.shards.find((s) => s !== undefined);
    if (!shard) throw new FsError("Corrupt", "no shard of this version is present", { path: remote });
    return new ErasureObject(this, remote, v, shard.modTime);
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    let idx: DirIndex;
    try {
      idx = await this.settledIndex(parentOf(remote), options);
    } catch (err) {
      if (isFsError(err, "DirNotFound")) throw new FsError("ObjectNotFound", "object not found", { path: remote });
      throw err;
    }
    const v = currentVersion(idx.files.get(baseName(remote)));
    if (!v) {
      if (idx.dirs.has(remote)) throw new FsError("IsDir", "is a directory", { path: remote });
      throw new FsError("ObjectNotFound", "object not found", { path: remote });
    }
    return this.objectOf(remote, v);
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const up = await this.writeVersion(body, src, options);
    await this.removeVersions(src.remote, up.replaced, options);
    return up.object;
  }

  /**
   * Uploads `body` as a new version of `src.remote` with the configured k, m and segment size at
   * the homes placement picks, and commits it; the versions it replaces are returned, not removed
   * (`put` removes them at once; a re-encode first checks the new version's hashes).
   */
  async writeVersion(
    body: Body,
    src: ObjectInfo,
    options?: PutOptions,
  ): Promise<{ object: ErasureObject; replaced: StoredFile[] }> {
    const remote = src.remote;
    const dir = parentOf(remote);
    const name = baseName(remote);
    const { k, m, segmentSize } = this.plan;
    let older: StoredFile[];
    let homes: number[];
    try {
      older = await this.versionsOf(remote, options);
      const shardBytes = src.size < 0 ? 0 : new Layout(src.size, k, segmentSize).shardObjectSize;
      homes = await this.placement.homes(remote, new Array(k + m).fill(-1), shardBytes, this.down);
    } catch (err) {
      await closeBody(body);
      throw err;
    }
    const vid = this.newVid(older);
    const release = this.beginWrite(remote, vid);
    const up = await this.uploader
      .upload(
        { body, dir, name, size: src.size, modTime: src.modTime, vid, homes, inFlight: inFlightOf(src) },
        { signal: options?.signal },
      )
      .finally(release);
    const v: StoredFile = {
      remote,
      size: up.size,
      vid,
      k,
      m,
      format: 2,
      shards: up.shards,
      homes: homes.map((h, i) => (up.shards[i] ? h : -1)),
      duplicates: [],
    };
    if (up.notStored.length > 0) this.reportNotStored(v, homes, up.notStored);
    this.remember(remote, [v]);
    const object = new ErasureObject(this, remote, v, src.modTime);
    object.trailer = { size: up.size, segments: Math.ceil(up.size / segmentSize), md5: up.md5, sha1: up.sha1 };
    return { object, replaced: older };
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

  private reportNotStored(v: StoredFile, homes: number[], missing: Uploaded["notStored"]): void {
    this.degradedUploads++;
    this.shardsNotStored += missing.length;
    const n = v.k + v.m;
    const which = missing.map((s) => `shard ${s.index} (${this.upstreams[homes[s.index] as number]}): ${s.reason}`);
    log.notice(
      v.remote,
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
  private newVid(existing: StoredFile[]): number {
    const vid = Math.max(Date.now(), this.lastVid + 1, ...existing.map((v) => v.vid + 1));
    this.lastVid = vid;
    return vid;
  }

  /** Removes the shards (and duplicate copies) of versions a newer one replaced (missing ones are fine). */
  async removeVersions(remote: string, versions: StoredFile[], options?: CallOptions): Promise<void> {
    const shards = versions.flatMap((v) => [
      ...v.shards.filter((s): s is FsObject => s !== undefined),
      ...v.duplicates.map((d) => d.obj),
    ]);
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
    const results = await Promise.allSettled(this.upstreams.map((u) => requireOp(u, "purge")(dir, options)));
    const errors = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (errors.length === results.length) throw firstOf(errors, "DirNotFound");
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    this.indexes.clear();
    const from = underLayers(src, true);
    if (!this.takes(from)) throw new FsError("CantDirMove", "source is not an erasure remote over the same upstreams");
    from.indexes.clear();
    // An upstream without the directory (it was down when it was made) has nothing to move; one
    // that is down now keeps its shards at the old path, where too few remain to be listed.
    await this.onUpstreams(
      (u) => {
        const fromUpstream = from.upstreams[this.upstreams.indexOf(u)] as Fs;
        return requireOp(u, "dirMove")(fromUpstream, srcRemote, dstRemote, options);
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

  /** Server-side copy or move: each shard is copied or moved on the upstream that holds it, under the new file name. */
  private async transfer(
    source: FsObject,
    remote: string,
    how: "copy" | "move",
    options?: CallOptions,
  ): Promise<FsObject> {
    const src = objectUnderLayers(source, true);
    if (!(src instanceof ErasureObject) || !this.takes(src.fs)) {
      throw new FsError(how === "copy" ? "CantCopy" : "CantMove", "source is not on the same upstreams");
    }
    const dir = parentOf(remote);
    const name = baseName(remote);
    const from = src.version;
    const older = (await this.versionsOf(remote, options)).filter((v) => v.vid !== from.vid);
    const { vid, k, m } = from;
    const results = await Promise.allSettled(
      from.shards.map(async (shard, index) => {
        if (!shard) return undefined;
        const u = this.upstreams[from.homes[index] as number] as Fs;
        // Written in name format 2 whatever the source's, so its k and m no longer hang on the configuration.
        const to = joinRemote(dir, shardName({ name, size: src.size, vid, k, m, index }));
        if (how === "move") return rename(u, shard, to, options);
        return requireOp(u, "copy")(shard, to, options);
      }),
    );
    const shards = results.map((r) => (r.status === "fulfilled" ? r.value : undefined));
    if (shards.filter(Boolean).length < k) {
      throw (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason;
    }
    await this.removeVersions(remote, older, options);
    const v: StoredFile = {
      remote,
      size: src.size,
      vid,
      k,
      m,
      format: 2,
      shards,
      homes: from.homes.map((h, i) => (shards[i] ? h : -1)),
      duplicates: [],
    };
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
  async readTrailer(v: StoredFile, remote: string, options?: CallOptions): Promise<ShardTrailer> {
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
  async shardTrailer(
    v: StoredFile,
    obj: FsObject,
    index: number,
    options?: CallOptions,
  ): Promise<ShardTrailer | string> {
    const { k, m } = v;
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

/** The caller's in-flight plaintext hash, when it is one the trailer keeps. */
function inFlightOf(src: ObjectInfo): UploadRequest["inFlight"] {
  const type = src.hashedInFlight;
  if ((type !== "md5" && type !== "sha1") || !src.hash) return undefined;
  const hash = src.hash.bind(src);
  return { type, digest: () => hash(type) };
}
