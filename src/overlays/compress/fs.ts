/**
 * The compress overlay: each file is a data object (stored `.bin`, gzip `.gz` or seekable zstd `.zst`,
 * the uncompressed size in the compressed names) plus a `NAME.json` metadata object, exactly as
 * rclone's compress stores them (format in `names.ts`, `meta.ts`, `gzip.ts`, `zstd.ts`).
 */

import { fromBytes, resolveRange, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import type { HashType } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { OverlayFs, OverlayObject, type ServerSideOp } from "../../fs/overlay.js";
import { baseName, cleanRemote, joinRemote, parentOf, printable, unsafeSegment } from "../../fs/path.js";
import { putSpilled } from "../../fs/spill.js";
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
  fingerprint,
  heldDataName,
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
import { currentData, dataFits } from "./pick.js";
import { sniffMime } from "./sniff.js";
import { checkedMd5 } from "./verify.js";
import { ZSTD_DEFAULT_LEVEL, ZSTD_FRAME_SIZE, zstdCompressible, zstdDecode, zstdEncode, zstdLayout } from "./zstd.js";

const MD5_ONLY: ReadonlySet<HashType> = new Set(["md5"]);

export class CompressFs extends OverlayFs {
  readonly hashes = MD5_ONLY;
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

  /** `acrossConfigs`: take sources over another config (--server-side-across-configs). */
  constructor(
    name: string,
    root: string,
    inner: Fs,
    readonly options: CompressOptions,
    acrossConfigs = false,
  ) {
    // putStream and cleanUp are always ours: data of unknown size is spilled when the wrapped remote
    // cannot stream. A server-side move copies and removes the source once the copy is committed (see
    // `serverSide`): two moves would leave neither file readable if killed between them.
    const spec = {
      provides: ["putStream", "cleanUp"],
      needs: { move: ["copy"] },
      forwards: ["purge", "about"],
    } as const;
    super(name, root, inner, spec, acrossConfigs);
    this.mode = options.mode === "zstd" ? MODE_ZSTD : MODE_GZIP;
    this.level = this.mode === MODE_ZSTD && options.level === -1 ? ZSTD_DEFAULT_LEVEL : options.level;
  }

  toString(): string {
    return `Compressed drive '${this.name}:${this.root}'`;
  }

  // ---- reading --------------------------------------------------------------------------------

  /**
   * One directory. Sizes come from the data names (from the data object for `.bin`), so nothing is
   * opened per file. Hidden: metadata objects, temporary data, names that do not parse, data without
   * its metadata (an upload that did not finish; rclone 1.60 lists these but cannot open them), and
   * names that decode to `.`, `..` or another name `unsafeSegment` refuses (with a notice).
   */
  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const entries = await this.inner.list(dir, options);
    const metas = new Map<string, FsObject>();
    const data = new Map<string, FsObject[]>();
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
      const unsafe = unsafeSegment(parsed.name);
      if (unsafe) {
        log.notice(printable(e.remote), `data object decodes to an unusable name (${unsafe}), skipped`);
        continue;
      }
      data.set(parsed.name, [...(data.get(parsed.name) ?? []), e]);
    }
    for (const [name, found] of data) {
      const remote = joinRemote(dir, name);
      const meta = metas.get(metaName(name));
      if (!meta) {
        // An upload in this process writes its data before its metadata: not worth a notice.
        if (!this.isWriting((found[0] as FsObject).remote)) {
          log.notice(remote, "data object has no metadata object (an interrupted upload?), skipped");
        }
        continue;
      }
      const only = found.length === 1 ? (found[0] as FsObject) : undefined;
      const parsed = only && parseDataName(baseName(only.remote));
      if (only && parsed && parsed.held === undefined) {
        out.push(new CompressObject(this, remote, only, parsed.size ?? only.size, meta));
        continue;
      }
      const obj = await this.pickData(remote, meta, found, options);
      if (obj) out.push(obj);
    }
    return out;
  }

  /**
   * A file whose name has several data objects (what an interrupted overwrite leaves), or only a
   * held one: its metadata says which is current (see `currentData`).
   */
  private async pickData(
    remote: string,
    metaObj: FsObject,
    found: FsObject[],
    options?: CallOptions,
  ): Promise<CompressObject | undefined> {
    try {
      const meta = await readMeta(remote, metaObj, options);
      const hit = currentData(remote, meta, found);
      if (hit) {
        const obj = new CompressObject(this, remote, hit, meta.Size, metaObj);
        obj.adoptMeta(meta);
        return obj;
      }
    } catch (err) {
      if (!isFsError(err, "Corrupt", "ObjectNotFound")) throw err;
    }
    log.notice(remote, "several data objects and no metadata naming one of them, skipped");
    return undefined;
  }

  /**
   * Reads `NAME.json`, then finds the data object holding the version it describes (see
   * `currentData`). Throws `ObjectNotFound` without metadata, `Corrupt` naming the file for bad
   * metadata or when no data object agrees with it.
   */
  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    let metaObj = await this.metaOf(remote, options);
    let meta = await readMeta(remote, metaObj, options);
    let data = await this.findData(remote, meta, options);
    if (!data) {
      // An overwrite in another process may have replaced the metadata and removed the data it
      // named since: the metadata read again names what is there now.
      metaObj = await this.metaOf(remote, options);
      meta = await readMeta(remote, metaObj, options);
      data = (await this.findData(remote, meta, options)) ?? (await this.disagreement(remote, meta, options));
    }
    const obj = new CompressObject(this, remote, data, meta.Size, metaObj);
    obj.adoptMeta(meta);
    return obj;
  }

  /** The metadata object of `remote`. Throws `ObjectNotFound`, or `IsDir` when `remote` is a directory. */
  private async metaOf(remote: string, options?: CallOptions): Promise<FsObject> {
    try {
      return await this.inner.newObject(metaName(remote), options);
    } catch (err) {
      // A directory keeps its own name on the wrapped remote: let the wrapped remote say IsDir.
      if (isFsError(err, "ObjectNotFound"))
        await this.inner.newObject(remote, options).catch((e) => {
          if (isFsError(e, "IsDir")) throw e;
        });
      throw err;
    }
  }

  /** The data object at the metadata's data name, or held under its MD5's fingerprint; undefined when neither is there. */
  private async findData(remote: string, meta: CompressMeta, options?: CallOptions): Promise<FsObject | undefined> {
    const found = (name: string) =>
      this.inner.newObject(name, options).catch((err) => {
        if (isFsError(err, "ObjectNotFound")) return undefined;
        throw err;
      });
    const fp = fingerprint(meta.MD5);
    const candidates = await Promise.all([
      found(dataName(remote, meta.Size, meta.Mode)),
      fp === undefined ? undefined : found(heldDataName(remote, meta.Mode, fp)),
    ]);
    return currentData(
      remote,
      meta,
      candidates.filter((c) => c !== undefined),
    );
  }

  /** The `Corrupt` error for metadata whose data object is missing, saying what data objects the file has instead. */
  private async disagreement(remote: string, meta: CompressMeta, options?: CallOptions): Promise<never> {
    const want = baseName(dataName(remote, meta.Size, meta.Mode));
    const entries = await this.inner.list(parentOf(remote), options).catch((err) => {
      if (isFsError(err, "DirNotFound")) return [];
      throw err;
    });
    const others = entries
      .filter((e) => e.kind === "file" && parseDataName(baseName(e.remote))?.name === baseName(remote))
      .map((e) => baseName(e.remote));
    const why =
      others.length === 0
        ? `the data object ${want} the metadata names is missing`
        : `metadata (mode ${meta.Mode}, size ${meta.Size}) names the data object ${want}, which is missing; ` +
          `the file's data objects are ${others.join(", ")}`;
    throw new FsError("Corrupt", `metadata and data disagree: ${why}`, { path: remote });
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

  /** The current version of `remote`, if any; a file that does not read (`Corrupt`) counts as none (it is replaced). */
  private async previous(remote: string, options?: CallOptions): Promise<CompressObject | undefined> {
    try {
      return (await this.newObject(remote, options)) as CompressObject;
    } catch (err) {
      if (isFsError(err, "ObjectNotFound")) return undefined;
      if (isFsError(err, "Corrupt")) {
        log.notice(remote, `replacing a file that does not read: ${(err as Error).message}`);
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
   * Commits a new version so that a process killed at any step leaves the previous version or the
   * new one readable, never metadata paired with the other version's data:
   *
   * 1. the new data object goes under its data name; when that is the previous version's data name
   *    (same size and mode), the previous data is first moved to its held name (`heldDataName`),
   *    where readers of the previous metadata find it; data of unknown size goes under the temporary
   *    name first and is moved into place once its size gives the name;
   * 2. the metadata is written (the commit);
   * 3. the previous data object (held or under another name) is removed.
   *
   * A failure before the commit removes what was written and moves held data back.
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

    // Step 1. `held` is the previous version's data once moved aside.
    let held: FsObject | undefined;
    const makeRoom = async (name: string) => {
      if (old && old.data.remote === name) held = await this.hold(old, options);
    };
    let temp: FsObject | undefined;
    let data: FsObject | undefined;
    const ram = this.options.ram_cache_limit;
    try {
      // A stored file's name has no size in it, so it is known even when the size is not.
      const known = src.size >= 0 || mode === MODE_STORED ? dataName(remote, src.size, mode) : undefined;
      if (known !== undefined) {
        await makeRoom(known);
        data =
          mode === MODE_STORED && src.size >= 0
            ? await this.inner.put(dataBody, { remote: known, size: src.size, modTime }, { signal })
            : await putSpilled(this.inner, dataBody, known, modTime, ram, { signal });
      } else if (this.inner.features.move) {
        temp = await putSpilled(this.inner, dataBody, tempDataName(remote, mode), modTime, ram, { signal });
        const final = dataName(remote, total, mode);
        await makeRoom(final);
        data = await this.relocate(temp, final, { signal });
        temp = undefined;
      } else {
        const final = async () => {
          const name = dataName(remote, total, mode);
          await makeRoom(name);
          return name;
        };
        data = await putSpilled(this.inner, dataBody, final, modTime, ram, { signal });
      }
    } catch (err) {
      await this.undo([temp], held, old, options);
      throw err;
    }

    // Step 2.
    let metaObj: FsObject;
    let meta: CompressMeta;
    try {
      const md5hex = (await hashes.digests(options)).get("md5");
      if (!md5hex) throw new FsError("Other", "the MD5 computed in flight was not available", { path: remote });
      meta = { Mode: mode, Size: total, MD5: md5hex.toLowerCase(), MimeType: mime };
      if (blockMeta) meta.blocks = blockMeta();
      const bytes = marshalMeta(meta, this.mode === MODE_ZSTD ? "v1.72" : "v1.60");
      metaObj = await this.inner.put(
        fromBytes(bytes),
        { remote: metaName(remote), size: bytes.length, modTime },
        { signal },
      );
    } catch (err) {
      // Without its metadata the new data object is unreadable: remove it, as rclone does.
      await this.undo([data], held, old, options);
      throw err;
    }

    // Step 3.
    const previous = held ?? old?.data;
    if (previous && previous.remote !== data.remote) await removeIfThere(previous, options);
    const obj = new CompressObject(this, remote, data, total, metaObj);
    obj.setMeta(meta);
    return obj;
  }

  /**
   * Moves `old`'s data object to its held name, where readers of `old`'s metadata look for it while
   * its data name takes the new data. Undefined when `old`'s metadata has no MD5 to name it by:
   * then the data is replaced in place, as rclone replaces it.
   */
  private async hold(old: CompressObject, options?: CallOptions): Promise<FsObject | undefined> {
    const meta = await old.loadMeta(options);
    const fp = fingerprint(meta.MD5);
    if (fp === undefined) return undefined;
    return this.relocate(old.data, heldDataName(old.remote, meta.Mode, fp), options);
  }

  /** After a failed write: removes the objects it wrote and moves held data back to its data name. */
  private async undo(
    written: (FsObject | undefined)[],
    held: FsObject | undefined,
    old: CompressObject | undefined,
    options?: CallOptions,
  ): Promise<void> {
    for (const obj of written) await obj?.remove(options).catch(() => undefined);
    if (held && old) await this.relocate(held, old.data.remote, options).catch(() => undefined);
  }

  /**
   * Moves a wrapped object to `final` with the wrapped remote's move; without one, or when that
   * refuses the object (`CantMove`), copies its bytes there through a stream and removes it.
   */
  private async relocate(from: FsObject, final: string, options?: CallOptions): Promise<FsObject> {
    const move = this.inner.features.move;
    if (move) {
      try {
        return await move(from, final, options);
      } catch (err) {
        if (!isFsError(err, "CantMove")) throw err;
      }
    }
    const info = { remote: final, size: from.size, modTime: from.modTime };
    const moved = await this.inner.put(await from.open({ signal: options?.signal }), info, options);
    await from.remove(options);
    return moved;
  }

  // ---- directories and server-side operations -------------------------------------------------

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.mkdir(dir, options);
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.rmdir(dir, options);
  }

  /** Every compress remote stores a directory as a directory of the same name: it moves as it is. */
  protected override storesLike(): boolean {
    return true;
  }

  /**
   * Server-side copy/move of a compress object over the same wrapped remote, in the order uploads
   * commit (see `write`): the data object is copied under the name its size and mode give (any file
   * there first held, when its data has that name), then the metadata, then the destination's
   * previous data object is removed. A move is that copy followed by removing the source, so a kill
   * at any step leaves the destination's previous version or the new one, and the source whole
   * until the copy is committed. Throws `CantCopy`/`CantMove` for other sources, so operations stream.
   */
  protected override async serverSide(
    src: CompressObject,
    remote: string,
    op: ServerSideOp,
    options?: CallOptions,
  ): Promise<FsObject> {
    remote = cleanRemote(remote);
    if (src.fs === this && src.remote === remote) return src;
    const copy = this.innerOp("copy");
    const meta = await src.loadMeta(options);
    const copied = await this.serialized(remote, async () => {
      const old = await this.previous(remote, options);
      const final = dataName(remote, meta.Size, meta.Mode);
      const held = old && old.data.remote === final ? await this.hold(old, options) : undefined;
      let data: FsObject;
      let metaObj: FsObject;
      try {
        data = await copy(src.data, final, options);
      } catch (err) {
        await this.undo([], held, old, options);
        // The wrapped remote refusing the copy refuses this move, so operations streams it.
        if (op === "move" && isFsError(err, "CantCopy")) {
          throw new FsError("CantMove", "the wrapped remote cannot copy its data", { path: src.remote, cause: err });
        }
        throw err;
      }
      try {
        metaObj = await copy(await src.metaObject(options), metaName(remote), options);
      } catch (err) {
        await data.remove(options).catch(() => undefined);
        await this.undo([], held, old, options);
        throw err;
      }
      const previous = held ?? old?.data;
      if (previous && previous.remote !== data.remote) await removeIfThere(previous, options);
      const obj = new CompressObject(this, remote, data, meta.Size, metaObj);
      obj.setMeta(meta);
      return obj;
    });
    if (op === "move") await src.remove(options);
    return copied;
  }
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
export class CompressObject extends OverlayObject {
  size: number;
  modTime: Date;
  private meta: CompressMeta | undefined;

  constructor(
    override readonly fs: CompressFs,
    remote: string,
    readonly data: FsObject,
    size: number,
    public metaObj?: FsObject,
  ) {
    super(fs, remote);
    this.size = size;
    // rclone reports (and sets) the data object's modtime.
    this.modTime = data.modTime;
    this.modTimeSource = data;
  }

  /** MD5 once the metadata is loaded and keeps one: whole reads end with that check (see `open`). */
  get checksWholeRead(): HashType | undefined {
    return this.meta && this.meta.MD5 !== "" ? "md5" : undefined;
  }

  /** Records metadata this process has just written or copied, so it is not read again. */
  setMeta(meta: CompressMeta): void {
    this.meta = meta;
  }

  async metaObject(options?: CallOptions): Promise<FsObject> {
    this.metaObj ??= await this.fs.inner.newObject(metaName(this.remote), options);
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
    if (parsed?.held !== undefined) {
      // A held name carries no size: the object's own size must fit the metadata.
      if (parsed.held !== fingerprint(meta.MD5) || !dataFits(meta, this.data.size)) {
        throw bad("the held data object does not match the metadata");
      }
    } else if (meta.Mode === MODE_STORED) {
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

  /**
   * The content, or a range of it. Throws `Corrupt` naming the file when the data does not decode as
   * the metadata says (see `gzipDecode`, `zstdDecode`); a whole read also ends with the MD5 check
   * (`checkedMd5`), for stored data too.
   */
  async open(options?: OpenOptions): Promise<Body> {
    const signal = options?.signal;
    const meta = await this.loadMeta({ signal });
    const { start, end } = resolveRange(options, meta.Size);
    const body = await this.decoded(meta, start, end, signal);
    const whole = start === 0 && end === meta.Size;
    return whole && meta.MD5 !== "" ? checkedMd5(body, meta.Size, meta.MD5, this.remote) : body;
  }

  private async decoded(meta: CompressMeta, start: number, end: number, signal?: AbortSignal): Promise<Body> {
    if (meta.Mode === MODE_STORED) return this.data.open({ offset: start, length: end - start, signal });
    const openRange: OpenRange = (offset, length) => this.data.open({ offset, length, signal });
    // parseMeta gives every compressed mode its blocks; metadata built here has them too.
    const blocks = meta.blocks;
    if (!blocks) throw new FsError("Corrupt", "missing block metadata", { path: this.remote });
    const { concurrency } = this.fs;
    if (meta.Mode === MODE_ZSTD) {
      const layout = zstdLayout(blocks, meta.Size, this.data.size);
      if (typeof layout === "string") throw new FsError("Corrupt", layout, { path: this.remote });
      return zstdDecode(openRange, layout, start, end, concurrency, this.remote);
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
