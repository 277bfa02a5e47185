/**
 * The compress overlay: each file is a data object (stored `.bin`, gzip `.gz` or seekable zstd `.zst`,
 * the uncompressed size in the compressed names) plus a `NAME.json` metadata object, exactly as
 * rclone's compress stores them (format in `names.ts`, `meta.ts`, `gzip.ts`, `zstd.ts`).
 */

import { fromBytes, resolveRange, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import { fillFeatures, maskFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { LayerFs } from "../../fs/layers/layer.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { baseName, cleanRemote, joinRemote, parentOf } from "../../fs/path.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, OpenOptions, PutOptions } from "../../fs/types.js";
import { UploadHashes } from "../../fs/upload-hashes.js";
import { type Block, splitBlocks } from "./blocks.js";
import { cleanUpData } from "./cleanup.js";
import {
  GZIP_BLOCK_SIZE,
  GZIP_DEFAULT_LEVEL,
  gzipCompressible,
  gzipDecode,
  gzipEncode,
  gzipLayout,
  type OpenRange,
} from "./gzip.js";
import type { CompressOptions } from "./index.js";
import { type CompressMeta, marshalMeta, parseMeta } from "./meta.js";
import {
  dataName,
  isMetaName,
  MODE_GZIP,
  MODE_STORED,
  MODE_ZSTD,
  type Mode,
  metaName,
  parseDataName,
  STREAMING_SIZE,
  tempDataName,
} from "./names.js";
import { sniffMime } from "./sniff.js";
import { putSpilled } from "./spill.js";
import { ZSTD_DEFAULT_LEVEL, ZSTD_FRAME_SIZE, zstdCompressible, zstdDecode, zstdEncode, zstdLayout } from "./zstd.js";

const MD5_ONLY: ReadonlySet<HashType> = new Set(["md5"]);

export class CompressFs implements Fs {
  readonly features;
  readonly hashes = MD5_ONLY;
  readonly precision: number;
  /** The mode new compressible files get. */
  readonly mode: Mode;
  readonly level: number;
  /**
   * Blocks compressed or decompressed at once: twice libuv's four pool threads, so a thread that
   * finishes a block finds the next one queued behind the file reads and writes sharing the pool.
   * On the 2-core bench machine, 256 MiB of text took 3.2 s to write with 2 blocks in flight and
   * 2.6 s with 8, and 1.55 s against 1.26 s to read back.
   */
  readonly concurrency = 8;
  /** Serialises writes to one name: a write reads the previous version and replaces it. */
  private readonly writes = new Map<string, Promise<unknown>>();
  /** `NAME.` of every file an upload in this process is writing, whose data objects `cleanUp` leaves alone. */
  private readonly writingPrefixes = new Set<string>();

  constructor(
    readonly name: string,
    readonly root: string,
    readonly base: Fs,
    readonly options: CompressOptions,
  ) {
    this.mode = options.mode === "zstd" ? MODE_ZSTD : MODE_GZIP;
    this.level = this.mode === MODE_ZSTD && options.level === -1 ? ZSTD_DEFAULT_LEVEL : options.level;
    this.precision = base.precision;
    // putStream is always ours: data of unknown size is spilled when the wrapped remote cannot stream.
    this.features = maskFeatures(fillFeatures(this), base.features, ["copy", "move", "dirMove", "purge", "about"]);
  }

  toString(): string {
    return `Compressed drive '${this.name}:${this.root}'`;
  }

  /** Whether `other` stores into the same wrapped remote, so the wrapped server-side operations take its objects. */
  private sameBase(other: CompressFs): boolean {
    return underlying(other.base) === underlying(this.base) || other.base.name === this.base.name;
  }

  // ---- reading --------------------------------------------------------------------------------

  /**
   * One directory. Sizes come from the data names (from the data object for `.bin`), so nothing is
   * opened per file. Hidden: metadata objects, temporary data, names that do not parse, and data
   * without its metadata (an upload that did not finish; rclone 1.60 lists these but cannot open them).
   */
  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const entries = await this.base.list(dir, options);
    const metas = new Map<string, FsObject>();
    const data = new Map<string, { obj: FsObject; size: number }[]>();
    const out: Entry[] = [];
    for (const e of entries) {
      if (e.kind === "dir") {
        out.push(e);
        continue;
      }
      const name = baseName(e.remote);
      if (isMetaName(name)) {
        metas.set(name, e);
        continue;
      }
      const parsed = parseDataName(name);
      if (!parsed) {
        log.debug(e.remote, "not a compress object name, skipped");
        continue;
      }
      if (parsed.size === STREAMING_SIZE) continue;
      const list = data.get(parsed.name) ?? [];
      list.push({ obj: e, size: parsed.size ?? e.size });
      data.set(parsed.name, list);
    }
    for (const [name, found] of data) {
      const remote = joinRemote(dir, name);
      const meta = metas.get(metaName(name));
      if (!meta) {
        // An upload in this process writes its data before its metadata: not worth a notice.
        if (!this.isWriting((found[0] as { obj: FsObject }).obj.remote)) {
          log.notice(remote, "data object has no metadata object (an interrupted upload?), skipped");
        }
        continue;
      }
      const one = found.length === 1 ? found[0] : await this.pickData(remote, meta, found, options);
      if (one) out.push(new CompressObject(this, remote, one.obj, one.size, meta));
    }
    return out;
  }

  /**
   * Several data objects for one name are what an interrupted overwrite leaves (the new size gives
   * a new name): the metadata says which one is current.
   */
  private async pickData(
    remote: string,
    meta: FsObject,
    found: { obj: FsObject; size: number }[],
    options?: CallOptions,
  ): Promise<{ obj: FsObject; size: number } | undefined> {
    try {
      const m = await readMeta(remote, meta, options);
      const want = dataName(baseName(remote), m.Size, m.Mode);
      const hit = found.find((f) => baseName(f.obj.remote) === want);
      if (hit) return hit;
    } catch (err) {
      if (!isFsError(err, "Corrupt", "ObjectNotFound")) throw err;
    }
    log.notice(remote, "several data objects and no metadata naming one of them, skipped");
    return undefined;
  }

  /** Reads `NAME.json`, then the data object it names. Throws `ObjectNotFound`, or `Corrupt` for bad metadata. */
  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    let metaObj: FsObject;
    try {
      metaObj = await this.base.newObject(metaName(remote), options);
    } catch (err) {
      // A directory keeps its own name on the wrapped remote: let the wrapped remote say IsDir.
      if (isFsError(err, "ObjectNotFound"))
        await this.base.newObject(remote, options).catch((e) => {
          if (isFsError(e, "IsDir")) throw e;
        });
      throw err;
    }
    const meta = await readMeta(remote, metaObj, options);
    const data = await this.base.newObject(dataName(remote, meta.Size, meta.Mode), options);
    const obj = new CompressObject(this, remote, data, meta.Size, metaObj);
    obj.adoptMeta(meta);
    return obj;
  }

  // ---- writing --------------------------------------------------------------------------------

  /** Runs `fn` after every earlier write to `remote` in this process has finished. */
  private async serialized<T>(remote: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.writes.get(remote) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.writes.set(remote, tail);
    try {
      return await run;
    } finally {
      if (this.writes.get(remote) === tail) this.writes.delete(remote);
    }
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const remote = cleanRemote(src.remote);
    return this.serialized(remote, async () => {
      // Every data name this write may use, whatever its mode and size turn out to be.
      const prefix = `${remote}.`;
      this.writingPrefixes.add(prefix);
      try {
        return await this.write(body, { ...src, remote }, options);
      } finally {
        this.writingPrefixes.delete(prefix);
      }
    });
  }

  /** Whether an upload in this process may be writing the wrapped object `wrapped`. */
  isWriting(wrapped: string): boolean {
    const parsed = parseDataName(baseName(wrapped));
    return parsed !== undefined && this.writingPrefixes.has(`${joinRemote(parentOf(wrapped), parsed.name)}.`);
  }

  /** `cleanUp` honours `dryRun` (see `cleanup.ts`), so a dry run may call it. */
  readonly cleanUpDryRun = true;

  /** Removes data objects left by killed or failed uploads, then runs the wrapped `cleanUp`. See `cleanUpData`. */
  async cleanUp(options?: CleanUpOptions): Promise<void> {
    return cleanUpData(this, options);
  }

  async putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /** The current version of `remote`, if any; unreadable metadata counts as none (it is replaced). */
  private async previous(remote: string, options?: CallOptions): Promise<CompressObject | undefined> {
    try {
      return (await this.newObject(remote, options)) as CompressObject;
    } catch (err) {
      if (isFsError(err, "ObjectNotFound")) return undefined;
      if (isFsError(err, "Corrupt")) {
        log.notice(remote, `replacing a file whose metadata is unreadable: ${(err as Error).message}`);
        return undefined;
      }
      throw err;
    }
  }

  /**
   * The data object's bytes for `body`: rclone's compressibility test on the first block decides
   * between this remote's mode and storing as is; the MIME type is sniffed from the same block.
   * `blockMeta` (compressed modes) is valid once `dataBody` has been read to its end.
   */
  private async encode(body: Body): Promise<{
    mode: Mode;
    mime: string;
    dataBody: Body;
    blockMeta?: () => CompressMeta["blocks"];
  }> {
    const zstd = this.mode === MODE_ZSTD;
    const blocks = splitBlocks(body, zstd ? ZSTD_FRAME_SIZE : GZIP_BLOCK_SIZE);
    const first = (await blocks.next()).value as Block;
    const mime = sniffMime(first.data);
    const test = zstd ? await zstdCompressible(first) : await gzipCompressible(first);
    const all = (async function* () {
      yield first;
      yield* blocks;
    })();
    if (!test.compressible) {
      const dataBody = (async function* () {
        for await (const b of all) if (b.data.length > 0) yield b.data;
      })();
      return { mode: MODE_STORED, mime, dataBody };
    }
    // The test compressed the first block at the default level: a default-level write reuses it.
    const reuse = "frame" in test ? test.frame : test.deflated;
    const enc = zstd
      ? zstdEncode(all, this.level, this.concurrency, this.level === ZSTD_DEFAULT_LEVEL ? reuse : undefined)
      : gzipEncode(all, this.level, this.concurrency, this.level === GZIP_DEFAULT_LEVEL ? reuse : undefined);
    return { mode: this.mode, mime, dataBody: enc.body, blockMeta: () => enc.result().blocks };
  }

  /**
   * Writes the data object, then the metadata, then removes the previous version's data object if
   * its name differs (rclone's order). A compressed object whose final name is not known yet (size
   * unknown) or already taken by the previous version is first written under the temporary name and
   * moved into place, so a listing never pairs new data with old metadata.
   */
  private async write(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    // The MD5 kept in metadata: the caller's when it hashes this body in flight (a copy does), else
    // computed here, in a worker when the file is large.
    const hashes = new UploadHashes(["md5"], src);
    try {
      return await this.writeHashed(body, src, hashes, options);
    } finally {
      // A worker hasher goes back to its pool only once its digest is taken.
      await hashes.release();
    }
  }

  private async writeHashed(
    body: Body,
    src: ObjectInfo,
    hashes: UploadHashes,
    options?: PutOptions,
  ): Promise<FsObject> {
    const { remote, modTime } = src;
    const signal = options?.signal;
    const old = await this.previous(remote, options);
    let total = 0;
    const counted = async function* (): Body {
      for await (const part of body) {
        signal?.throwIfAborted();
        await hashes.update(part);
        total += part.length;
        yield part;
      }
      if (src.size >= 0 && total !== src.size) {
        throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${total}`, { path: remote });
      }
    };
    const { mode, mime, dataBody, blockMeta } = await this.encode(counted());

    const canMove = Boolean(this.base.features.move);
    // A stored file's name has no size in it, so it is known even when the size is not.
    const finalIfKnown = src.size >= 0 || mode === MODE_STORED ? dataName(remote, src.size, mode) : undefined;
    const sameName = old !== undefined && old.data.remote === finalIfKnown;
    const viaTemp = canMove && (finalIfKnown === undefined || sameName);
    const target = viaTemp ? tempDataName(remote, mode) : (finalIfKnown ?? (() => dataName(remote, total, mode)));
    let data: FsObject;
    if (mode === MODE_STORED && typeof target === "string" && src.size >= 0) {
      data = await this.base.put(dataBody, { remote: target, size: src.size, modTime }, { signal });
    } else {
      data = await putSpilled(this.base, dataBody, target, modTime, this.options.ram_cache_limit, { signal });
    }
    const final = dataName(remote, total, mode);
    const md5hex = (await hashes.digests(options)).get("md5");
    if (!md5hex) {
      await data.remove().catch(() => undefined);
      throw new FsError("Other", "the MD5 computed in flight was not available", { path: remote });
    }
    const meta: CompressMeta = { Mode: mode, Size: total, MD5: md5hex.toLowerCase(), MimeType: mime };
    if (blockMeta) meta.blocks = blockMeta();
    try {
      if (viaTemp) {
        if (old && old.data.remote === final) {
          // The new data takes the old data's name: hide the file (no metadata) while they swap.
          await removeIfThere(old.metaObj, options);
          await removeIfThere(old.data, options);
        }
        data = await this.relocate(data, final, { signal });
      }
    } catch (err) {
      await data.remove().catch(() => undefined);
      throw err;
    }
    const bytes = marshalMeta(meta, this.mode === MODE_ZSTD ? "v1.72" : "v1.60");
    let metaObj: FsObject;
    try {
      metaObj = await this.base.put(
        fromBytes(bytes),
        { remote: metaName(remote), size: bytes.length, modTime },
        { signal },
      );
    } catch (err) {
      // Without its metadata the data object is unreadable: remove it, as rclone does.
      await data.remove().catch(() => undefined);
      throw err;
    }
    if (old && old.data.remote !== final) await removeIfThere(old.data, options);
    const obj = new CompressObject(this, remote, data, total, metaObj);
    obj.setMeta(meta);
    return obj;
  }

  /**
   * Moves a temporary data object to its final name with the wrapped remote's move; when that
   * refuses the object (`CantMove`), copies its bytes there through a stream and removes it.
   */
  private async relocate(temp: FsObject, final: string, options?: CallOptions): Promise<FsObject> {
    try {
      return await (this.base.features.move as NonNullable<Fs["features"]["move"]>)(temp, final, options);
    } catch (err) {
      if (!isFsError(err, "CantMove")) throw err;
    }
    const info = { remote: final, size: temp.size, modTime: temp.modTime };
    const moved = await this.base.put(await temp.open({ signal: options?.signal }), info, options);
    await temp.remove(options);
    return moved;
  }

  // ---- directories and server-side operations -------------------------------------------------

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    return this.base.mkdir(dir, options);
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    return this.base.rmdir(dir, options);
  }

  async purge(dir: string, options?: CallOptions): Promise<void> {
    return (this.base.features.purge as NonNullable<Fs["features"]["purge"]>)(dir, options);
  }

  async about(options?: CallOptions) {
    return (this.base.features.about as NonNullable<Fs["features"]["about"]>)(options);
  }

  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    if (!(src instanceof CompressFs) || !this.sameBase(src)) {
      throw new FsError("CantDirMove", "source is not a compress remote over the same remote");
    }
    const dirMove = this.base.features.dirMove as NonNullable<Fs["features"]["dirMove"]>;
    return dirMove(src.base, srcRemote, dstRemote, options);
  }

  async copy(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    return this.copyOrMove(src, remote, "copy", options);
  }

  async move(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    return this.copyOrMove(src, remote, "move", options);
  }

  /**
   * Server-side copy/move of a compress object over the same wrapped remote, as rclone does it:
   * remove any file at the destination, then copy/move the metadata, then the data under the name
   * its size and mode give. Throws `CantCopy`/`CantMove` for other sources, so operations stream.
   */
  private async copyOrMove(src: FsObject, remote: string, op: "copy" | "move", options?: CallOptions) {
    if (!(src instanceof CompressObject) || !this.sameBase(src.fs)) {
      throw new FsError(
        op === "copy" ? "CantCopy" : "CantMove",
        "source is not a compress object over the same remote",
        {
          path: src.remote,
        },
      );
    }
    remote = cleanRemote(remote);
    if (src.fs === this && src.remote === remote) return src;
    const doOp = this.base.features[op] as NonNullable<Fs["features"]["copy"]>;
    const meta = await src.loadMeta(options);
    return this.serialized(remote, async () => {
      const existing = await this.previous(remote, options);
      if (existing) await existing.remove(options);
      const metaObj = await doOp(await src.metaObject(options), metaName(remote), options);
      const data = await doOp(src.data, dataName(remote, meta.Size, meta.Mode), options);
      const obj = new CompressObject(this, remote, data, meta.Size, metaObj);
      obj.setMeta(meta);
      return obj;
    });
  }
}

/** `fs` under every transparent layer that lets server-side operations through. */
function underlying(fs: Fs): Fs {
  let inner = fs;
  while (inner instanceof LayerFs && inner.serverSideThrough) inner = inner.inner;
  return inner;
}

async function removeIfThere(obj: FsObject | undefined, options?: CallOptions): Promise<void> {
  try {
    await obj?.remove(options);
  } catch (err) {
    if (!isFsError(err, "ObjectNotFound")) throw err;
  }
}

/** Reads and parses a metadata object. Throws `Corrupt` naming `remote` when it is not valid metadata. */
async function readMeta(remote: string, metaObj: FsObject, options?: CallOptions): Promise<CompressMeta> {
  const parsed = parseMeta(await toBytes(await metaObj.open({ signal: options?.signal })));
  if (typeof parsed === "string") throw new FsError("Corrupt", `invalid metadata: ${parsed}`, { path: remote });
  return parsed;
}

/** A file seen through compress: its data object, and its metadata once read. */
export class CompressObject implements FsObject {
  readonly kind = "file";
  size: number;
  modTime: Date;
  private meta: CompressMeta | undefined;

  constructor(
    readonly fs: CompressFs,
    readonly remote: string,
    readonly data: FsObject,
    size: number,
    public metaObj?: FsObject,
  ) {
    this.size = size;
    // rclone reports (and sets) the data object's modtime.
    this.modTime = data.modTime;
  }

  /** Records metadata this process has just written or copied, so it is not read again. */
  setMeta(meta: CompressMeta): void {
    this.meta = meta;
  }

  async metaObject(options?: CallOptions): Promise<FsObject> {
    this.metaObj ??= await this.fs.base.newObject(metaName(this.remote), options);
    return this.metaObj;
  }

  /**
   * The metadata, read once and checked against the data object: the mode, the size in the data's
   * name (or the `.bin` object's size). Throws `Corrupt` naming the file when they disagree or the
   * metadata is invalid, `ObjectNotFound` when it is gone.
   */
  async loadMeta(options?: CallOptions): Promise<CompressMeta> {
    if (this.meta) return this.meta;
    const meta = await readMeta(this.remote, await this.metaObject(options), options);
    this.adoptMeta(meta);
    return meta;
  }

  /** Checks metadata read from the remote against the data object (see `loadMeta`) and keeps it. */
  adoptMeta(meta: CompressMeta): void {
    const parsed = parseDataName(baseName(this.data.remote));
    const bad = (why: string) => new FsError("Corrupt", why, { path: this.remote });
    if (meta.Mode === MODE_STORED) {
      if (parsed?.size !== undefined) throw bad("metadata says stored, but the data object is compressed");
      if (this.data.size !== meta.Size) {
        throw bad(`data object holds ${this.data.size} bytes, metadata says ${meta.Size}`);
      }
    } else {
      if (parsed?.size === undefined) throw bad("metadata says compressed, but the data object is stored");
      if (parsed.size !== meta.Size) {
        throw bad(`size in the data object's name (${parsed.size}) differs from the metadata's (${meta.Size})`);
      }
    }
    this.meta = meta;
    this.size = meta.Size;
  }

  async open(options?: OpenOptions): Promise<Body> {
    const signal = options?.signal;
    const meta = await this.loadMeta({ signal });
    const { start, end } = resolveRange(options, meta.Size);
    if (meta.Mode === MODE_STORED) return this.data.open({ offset: start, length: end - start, signal });
    const openRange: OpenRange = (offset, length) => this.data.open({ offset, length, signal });
    const blocks = meta.blocks as NonNullable<CompressMeta["blocks"]>;
    const { concurrency } = this.fs;
    if (meta.Mode === MODE_ZSTD) {
      const layout = zstdLayout(blocks, meta.Size, this.data.size);
      if (typeof layout === "string") throw new FsError("Corrupt", layout, { path: this.remote });
      return zstdDecode(openRange, layout, start, end, concurrency, this.remote, meta.MD5);
    }
    const layout = gzipLayout(blocks, meta.Size, this.data.size);
    if (typeof layout === "string") throw new FsError("Corrupt", layout, { path: this.remote });
    return gzipDecode(openRange, layout, start, end, concurrency, this.remote);
  }

  /** Removes the metadata, then the data (rclone's order). */
  async remove(options?: CallOptions): Promise<void> {
    try {
      await (await this.metaObject(options)).remove(options);
    } catch (err) {
      if (!isFsError(err, "ObjectNotFound")) throw err;
    }
    await this.data.remove(options);
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    await this.data.setModTime(modTime, options);
    this.modTime = modTime;
  }

  /** The MD5 of the uncompressed content, from the metadata (no data is read). */
  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    if (type !== "md5") throw notImplemented(`hash ${type}`, this.remote);
    const meta = await this.loadMeta(options);
    return meta.MD5 === "" ? undefined : meta.MD5;
  }
}
