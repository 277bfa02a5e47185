/**
 * The chunker overlay: files larger than `chunk_size` are stored as data chunks plus a small metadata
 * object under the file's own name, exactly as rclone 1.60's chunker stores them (format in
 * `name-format.ts`, `meta.ts`, `txn.ts`). Listings are grouped in `group.ts`, files are `object.ts`.
 */
import { ByteReader, fromBytes, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented, objectNotFound } from "../../fs/errors.js";
import { streamHasher } from "../../fs/hash-worker.js";
import { type HashType, newHasher } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { OverlayFs, type ServerSideOp } from "../../fs/overlay.js";
import { baseName, cleanRemote, joinRemote, parentOf } from "../../fs/path.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, PutOptions } from "../../fs/types.js";
import { cleanUpChunks } from "./cleanup.js";
import { type Group, groupDir } from "./group.js";
import type { ChunkerOptions } from "./index.js";
import { MAX_CHUNKS, MAX_META_READ, META_VERSION, META_VERSION_TXN, marshalMeta, parseMeta } from "./meta.js";
import { ChunkNamer } from "./name-format.js";
import { ChunkerObject } from "./object.js";
import { newTxnId } from "./txn.js";

/** Transaction ids in use by this process, so concurrent uploads of one name never share one. */
const activeTxns = new Set<string>();

export class ChunkerFs extends OverlayFs {
  readonly hashes: ReadonlySet<HashType>;
  readonly namer: ChunkNamer;
  readonly chunkSize: number;
  readonly useMeta: boolean;
  /** Chunks keep their temporary names and the metadata records the txn (transactions=norename). */
  readonly noRename: boolean;
  /** The hash kept in metadata (none with hash_type none or meta_format none). */
  readonly hashType: "md5" | "sha1" | undefined;
  /** md5quick / sha1quick: take the source's hash, compute nothing. */
  readonly quickHash: boolean;
  /** Every file, small ones too, gets chunks + metadata so that it has the hash (spec §8). */
  readonly hashAll: boolean;
  /** Serialises the final step of writes to one name, so concurrent writers cannot mix chunks. */
  private readonly commits = new Map<string, Promise<unknown>>();

  /**
   * Throws `ConfigInvalid` when the wrapped remote has neither server-side move nor copy.
   * `acrossConfigs`: take sources over another config (--server-side-across-configs).
   */
  constructor(
    name: string,
    root: string,
    base: Fs,
    readonly options: ChunkerOptions,
    acrossConfigs = false,
  ) {
    // Hashes of composite files are read from their metadata, so a copy takes the stored hash
    // rather than hashing in flight, and checks what it wrote against it (small files are hashed
    // by the wrapped remote, as rclone's chunker does). cleanUp is ours (temporary chunks), then the
    // wrapped remote's if it has one. A server-side move copies the chunks and removes the source once
    // the copy is committed (see `transfer`): moving chunks one by one would leave a file split between
    // two names if killed.
    const spec = {
      provides: ["cleanUp"],
      needs: { move: ["copy"] },
      forwards: ["purge", "about"],
      flags: { slowHash: false },
    } as const;
    super(name, root, base, spec, acrossConfigs);
    if (!base.features.move && !base.features.copy) {
      throw new FsError(
        "ConfigInvalid",
        `chunker: option "remote": can't use chunker on a backend which doesn't support server-side move or copy`,
      );
    }
    this.namer = new ChunkNamer(options.name_format, options.start_from);
    this.chunkSize = options.chunk_size;
    this.useMeta = options.meta_format === "simplejson";
    const tx = options.transactions;
    this.noRename = tx === "norename" || (tx === "auto" && !base.features.move);
    if (this.noRename && !this.useMeta) {
      throw new FsError("ConfigInvalid", 'chunker: option "transactions": incompatible transaction options');
    }
    const ht = options.hash_type;
    this.hashType = ht === "none" ? undefined : ht.startsWith("md5") ? "md5" : "sha1";
    this.quickHash = ht.endsWith("quick");
    const h = this.hashType;
    this.hashAll = h !== undefined && ht.endsWith("all") && (!base.hashes.has(h) || base.features.slowHash);
    // A hash is advertised only when every file, plain or composite, can have it.
    this.hashes = new Set(h && !this.quickHash && (this.hashAll || base.hashes.has(h)) ? [h] : []);
  }

  toString(): string {
    return `Chunked '${this.name}:${this.root}'`;
  }

  private get failHard(): boolean {
    return this.options.fail_hard;
  }

  /** Whether `other` (one `takes` accepts) stores files the same way, so its chunks can be copied as they are. */
  sameFormat(other: ChunkerFs): boolean {
    const a = this.options;
    const b = other.options;
    return (
      a.chunk_size === b.chunk_size &&
      a.name_format === b.name_format &&
      a.start_from === b.start_from &&
      a.meta_format === b.meta_format
    );
  }

  /**
   * Whether objects of `other` can be migrated here server-side: same underlying remote and the same
   * chunk boundaries (`chunk_size`), while names, metadata or hashes may differ.
   */
  canMigrateFrom(other: ChunkerFs): boolean {
    return this.options.chunk_size === other.options.chunk_size;
  }

  /** A directory moves as it is between remotes of the same format. */
  protected override storesLike(other: ChunkerFs): boolean {
    return this.sameFormat(other);
  }

  // ---- reading --------------------------------------------------------------------------------

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const { dirs, groups } = await groupDir(this, dir, options);
    const dirNames = new Set(dirs.map((d) => baseName(d.remote)));
    const out: Entry[] = [...dirs];
    for (const [name, g] of groups) {
      const remote = joinRemote(dir, name);
      if (dirNames.has(name)) {
        if (this.failHard) throw new FsError("Corrupt", "is both meta object and directory", { path: remote });
        log.notice(remote, "is both meta object and directory, skipped");
        continue;
      }
      if (g.bad) {
        if (this.failHard) throw new FsError("Corrupt", `invalid chunks in object: ${g.bad}`, { path: remote });
        log.notice(remote, `invalid chunks in object (${g.bad}), skipped`);
        continue;
      }
      out.push(this.objectOf(remote, g));
    }
    return out;
  }

  /** The chunker object for a group that passed the checks. */
  private objectOf(remote: string, g: Group): ChunkerObject {
    return new ChunkerObject(
      this,
      remote,
      g.main,
      g.chunks.length > 0 ? g.chunks.map((c) => c.obj) : undefined,
      g.unsure,
    );
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const name = baseName(remote);
    if (this.namer.parse(name))
      throw new FsError("ObjectNotFound", "should be meta object, not a chunk", { path: remote });
    let main: FsObject | undefined;
    try {
      main = await this.inner.newObject(remote, options);
    } catch (err) {
      // Without metadata a composite file is its chunks alone.
      if (this.useMeta || !isFsError(err, "ObjectNotFound")) throw err;
    }
    if (main && this.useMeta && main.size > MAX_META_READ) return new ChunkerObject(this, remote, main);
    const g = await this.findGroup(remote, options);
    if (g === undefined || (g.chunks.length === 0 && !g.main)) throw objectNotFound(remote);
    if (g.bad) {
      throw new FsError("Corrupt", `invalid chunks in object: ${g.bad}`, { path: remote });
    }
    if (this.useMeta && !g.main) throw objectNotFound(remote);
    return this.objectOf(remote, g);
  }

  /** The group of one name, or undefined when its directory does not exist. */
  private async findGroup(remote: string, options?: CallOptions): Promise<Group | undefined> {
    const name = baseName(remote);
    try {
      const { groups, strays } = await groupDir(this, parentOf(remote), options, name);
      return { ...(groups.get(name) ?? { chunks: [], unsure: false }), stale: strays.get(name) ?? [] };
    } catch (err) {
      if (isFsError(err, "DirNotFound")) return undefined;
      throw err;
    }
  }

  // ---- writing --------------------------------------------------------------------------------

  /** Runs `fn` after every earlier commit to `remote` has finished. */
  private async serialized<T>(remote: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.commits.get(remote) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(fn);
    const tail = run.catch(() => undefined);
    this.commits.set(remote, tail);
    try {
      return await run;
    } finally {
      if (this.commits.get(remote) === tail) this.commits.delete(remote);
    }
  }

  /** Moves a wrapped object (server-side move, else copy + delete). */
  private async relocate(obj: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    const move = this.inner.features.move;
    if (move) return move(obj, remote, options);
    const copied = await this.innerOp("copy")(obj, remote, options);
    await obj.remove(options);
    return copied;
  }

  /** A transaction id not used by a running upload here, whose first temporary chunk does not exist. */
  private async newTxn(remote: string, options?: CallOptions): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const txn = newTxnId();
      const key = `${remote}\0${txn}`;
      if (activeTxns.has(key)) continue;
      // Reserved before the probe's await, so a concurrent upload of the same name cannot pick it too.
      activeTxns.add(key);
      const probe = joinRemote(parentOf(remote), this.namer.dataName(baseName(remote), 0, txn));
      if (attempt < 100) {
        try {
          await this.inner.newObject(probe, options);
          activeTxns.delete(key);
          continue;
        } catch (err) {
          if (!isFsError(err, "ObjectNotFound", "DirNotFound")) {
            activeTxns.delete(key);
            throw err;
          }
        }
      }
      return txn;
    }
  }

  /** Removes wrapped objects, ignoring those already gone. */
  async removeObjects(objs: readonly FsObject[], options?: CallOptions): Promise<void> {
    for (const o of objs) {
      try {
        await o.remove(options);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
    }
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.upload(body, src, options);
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.upload(body, src, options);
  }

  /**
   * Streams `body` into chunks under temporary names, one chunk at a time, then commits (spec §5, §7).
   * A body that fails or has the wrong size leaves no new object and the previous version intact.
   */
  private async upload(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const remote = cleanRemote(src.remote);
    const dir = parentOf(remote);
    const name = baseName(remote);
    const signal = options?.signal;
    if (this.namer.parse(name)) {
      if (this.failHard) throw new FsError("Other", `chunk overlap with "${name}"`, { path: remote });
      log.notice(remote, `chunk overlap with "${this.namer.parse(name)?.parent}"`);
    }
    const known = src.size >= 0;
    if (!known && !this.inner.features.putStream) throw notImplemented("upload of unknown size", remote);
    const txn = await this.newTxn(remote, options);
    const key = `${remote}\0${txn}`;
    const written: FsObject[] = [];
    // The hash kept in metadata: computed in transit (in a worker when large), unless quick mode
    // takes the source's or the caller already hashes this body in flight.
    const adopt = this.hashType !== undefined && src.hashedInFlight === this.hashType;
    const hasher = this.hashType && !this.quickHash && !adopt ? streamHasher(this.hashType, src.size) : undefined;
    let hashed: Promise<string> | undefined;
    try {
      // Small content of known size is kept to check whether it looks like metadata (spec §7).
      const keepHead = known && src.size <= this.chunkSize && src.size <= MAX_META_READ && this.useMeta;
      const head: Uint8Array[] = [];
      const reader = new ByteReader(body);
      let total = 0;
      const chunkBody = async function* (limit: number, exact: boolean): Body {
        let left = limit;
        while (left > 0) {
          signal?.throwIfAborted();
          const part = await reader.next(left);
          if (part === undefined) break;
          left -= part.length;
          total += part.length;
          const hashing = hasher?.update(part);
          if (hashing) await hashing;
          if (keepHead) head.push(part.slice());
          yield part;
        }
        if (exact && left > 0) {
          throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${total}`, { path: remote });
        }
      };
      for (let index = 0; ; index++) {
        if (index >= MAX_CHUNKS) throw new FsError("Other", "chunk number overflow", { path: remote });
        signal?.throwIfAborted();
        const size = known ? Math.min(src.size - total, this.chunkSize) : -1;
        const chunkRemote = joinRemote(dir, this.namer.dataName(name, index, txn));
        // A file that fits one chunk is that chunk: the wrapped remote may take hashes the caller
        // computes in flight, and computes those it asks for, as for any plain file.
        const whole = known && src.size <= this.chunkSize;
        const info: ObjectInfo = whole
          ? {
              remote: chunkRemote,
              size,
              modTime: src.modTime,
              hashedInFlight: src.hashedInFlight,
              hash: src.hash?.bind(src),
            }
          : { remote: chunkRemote, size, modTime: src.modTime };
        const chunkData = chunkBody(known ? size : this.chunkSize, known);
        const put = known ? this.inner.put.bind(this.inner) : this.innerOp("putStream");
        written.push(await put(chunkData, info, whole ? { signal, hashes: options?.hashes } : { signal }));
        if (known && total >= src.size) break;
        // Only start another chunk when there is more data, so no empty last chunk is written.
        if (!known && (total % this.chunkSize !== 0 || (await reader.atEnd()))) break;
      }
      if (known && !(await reader.atEnd())) {
        throw new FsError("Corrupt", `size mismatch: body is larger than ${src.size}`, { path: remote });
      }
      signal?.throwIfAborted();
      let md5: string | undefined;
      let sha1: string | undefined;
      hashed = hasher?.digest();
      const digest = hashed
        ? await hashed
        : adopt
          ? await src.hash?.(this.hashType as HashType, options)
          : this.quickHash
            ? await this.quickSourceHash(src, options)
            : undefined;
      if (digest !== undefined) {
        if (digest.length === 32) md5 = digest;
        else sha1 = digest;
      }
      const headLooksLikeMeta =
        keepHead && parseMeta(Buffer.concat(head)).status !== "not-metadata" && written.length === 1;
      const needMeta = this.useMeta && (written.length > 1 || this.hashAll || headLooksLikeMeta);
      return await this.serialized(remote, () =>
        this.commit(remote, written, { needMeta, txn, size: total, md5, sha1, modTime: src.modTime }, options),
      );
    } catch (err) {
      // A worker hasher is released by its digest.
      if (hasher && !hashed) await hasher.digest();
      await this.removeObjects(written).catch(() => undefined);
      throw err;
    } finally {
      activeTxns.delete(key);
    }
  }

  /** md5quick / sha1quick: the preferred hash from the source, else the other one. */
  private async quickSourceHash(src: ObjectInfo, options?: CallOptions): Promise<string | undefined> {
    const order: HashType[] = this.hashType === "md5" ? ["md5", "sha1"] : ["sha1", "md5"];
    for (const t of order) {
      try {
        const h = await src.hash?.(t, options);
        if (h) return h.toLowerCase();
      } catch {
        // The source cannot give this hash: try the other.
      }
    }
    return undefined;
  }

  /**
   * Makes `temps`, chunks written under `m.txn`, the current version of `remote`. The switch is one
   * write of the metadata (naming `m.txn`, the norename layout): until it lands the previous version
   * is whole, from then on the new one is, so a kill at any step leaves one of the two. The previous
   * version's chunks go after the switch; rename mode then moves the chunks to their final names in
   * index order (readers take a final name for a chunk already moved, see `movedToFinalNames`) and
   * rewrites the metadata without the txn, as rclone stores it. `m.needMeta` false makes the file
   * the plain object `temps[0]`. Without metadata see `commitWithoutMeta`.
   */
  private async commit(
    remote: string,
    temps: FsObject[],
    m: { needMeta: boolean; txn: string; size: number; md5?: string; sha1?: string; modTime: Date },
    options?: CallOptions,
  ): Promise<FsObject> {
    const old = (await this.findGroup(remote, options)) ?? { chunks: [], unsure: false };
    const previous = [...old.chunks.map((c) => c.obj), ...(old.stale ?? [])];
    if (!this.useMeta) return this.commitWithoutMeta(remote, temps, old.main, previous, options);
    if (!m.needMeta && previous.length === 0) {
      // Nothing of the previous version besides the object under the name: one move replaces it.
      return new ChunkerObject(this, remote, await this.relocate(temps[0] as FsObject, remote, options));
    }
    const fields = { size: m.size, nchunks: temps.length, md5: m.md5, sha1: m.sha1 };
    let main = await this.putMeta(remote, { ...fields, txn: m.txn }, m.modTime, options);
    await this.removeObjects(previous, options);
    if (!m.needMeta) {
      return new ChunkerObject(this, remote, await this.relocate(temps[0] as FsObject, remote, options));
    }
    if (this.noRename) {
      const meta = { ver: META_VERSION_TXN, ...fields, txn: m.txn };
      return new ChunkerObject(this, remote, main, temps, false, meta, m.modTime);
    }
    const dir = parentOf(remote);
    const name = baseName(remote);
    const chunks: FsObject[] = [];
    for (const [i, t] of temps.entries()) {
      chunks.push(await this.relocate(t, joinRemote(dir, this.namer.dataName(name, i, "")), options));
    }
    main = await this.putMeta(remote, fields, m.modTime, options);
    return new ChunkerObject(this, remote, main, chunks, false, { ver: META_VERSION, ...fields }, m.modTime);
  }

  /**
   * meta_format=none has no object whose write could switch versions, so a kill cannot always leave
   * a whole file; it leaves a typed error instead of other bytes. The previous chunks go first,
   * lowest index first, and the new ones take their final names highest index first: until the last
   * move there is no chunk 0, so readers see a gap ("missing chunk"), never a shorter file or a mix.
   */
  private async commitWithoutMeta(
    remote: string,
    temps: FsObject[],
    oldMain: FsObject | undefined,
    previous: FsObject[],
    options?: CallOptions,
  ): Promise<FsObject> {
    const dir = parentOf(remote);
    const name = baseName(remote);
    const byIndex = (o: FsObject) => this.namer.parse(baseName(o.remote))?.index ?? 0;
    await this.removeObjects(
      [...previous].sort((a, b) => byIndex(a) - byIndex(b)),
      options,
    );
    const chunks: FsObject[] = new Array(temps.length);
    for (let i = temps.length - 1; i >= 0; i--) {
      chunks[i] = await this.relocate(temps[i] as FsObject, joinRemote(dir, this.namer.dataName(name, i, "")), options);
    }
    // Without metadata a plain object under the file's name would hide nothing: remove it.
    if (oldMain) await this.removeObjects([oldMain], options);
    return new ChunkerObject(this, remote, undefined, chunks, false, undefined, chunks[0]?.modTime);
  }

  /** Writes the metadata object of `remote`. */
  private putMeta(
    remote: string,
    fields: { size: number; nchunks: number; md5?: string; sha1?: string; txn?: string },
    modTime: Date,
    options?: CallOptions,
  ): Promise<FsObject> {
    const bytes = marshalMeta(fields);
    return this.inner.put(fromBytes(bytes), { remote, size: bytes.length, modTime }, options);
  }

  /** Whether an upload in this process is still writing chunks of `remote` under `txn`. */
  isUploading(remote: string, txn: string): boolean {
    return activeTxns.has(`${remote}\0${txn}`);
  }

  /** `cleanUp` honours `dryRun` (see `cleanup.ts`), so a dry run may call it. */
  readonly cleanUpDryRun = true;

  /**
   * Removes temporary chunks left by killed uploads anywhere under the root (keeping a norename
   * file's current chunks), then runs the wrapped remote's `cleanUp`. See `cleanUpChunks`.
   */
  async cleanUp(options?: CleanUpOptions): Promise<void> {
    return cleanUpChunks(this, options);
  }

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.mkdir(dir, options);
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.rmdir(dir, options);
  }

  /**
   * Server-side copy/move of a chunker object of the same format: chunk by chunk with the wrapped
   * copy, then the metadata is rewritten (spec §13; see `transfer`). Throws `CantCopy`/`CantMove`
   * otherwise.
   */
  protected override async serverSide(
    src: ChunkerObject,
    remote: string,
    op: ServerSideOp,
    options?: CallOptions,
  ): Promise<FsObject> {
    if (!this.sameFormat(src.fs)) {
      if (this.canMigrateFrom(src.fs)) return this.migrate(src, remote, op, options);
      throw this.refuse(op, "source is not a chunker object of the same format", src.remote);
    }
    remote = cleanRemote(remote);
    // Onto itself: nothing to do (a move would otherwise delete its own metadata at the end).
    if (src.fs === this && src.remote === remote) return src;
    if (!src.isComposite) return this.transfer(src, [src.main as FsObject], remote, op, { needMeta: false }, options);
    const meta = await src.validMeta(options);
    if (this.hashType && this.useMeta && !this.quickHash && !meta?.[this.hashType]) {
      // rclone streams here; the chunks line up, so only the hash needs the data (read once).
      return this.migrate(src, remote, op, options);
    }
    const fields = { needMeta: true, md5: meta?.md5, sha1: meta?.sha1 };
    return this.transfer(src, src.chunks as FsObject[], remote, op, fields, options);
  }

  /**
   * Server-side copy/move of a chunker object of another format over the same wrapped remote with the
   * same `chunk_size` (a format migration): every data chunk is copied with the wrapped operation to
   * this remote's chunk name, then this remote's metadata is written (see `transfer`). Only a hash this
   * remote keeps and the source's metadata lacks makes the data be read, once, through the source
   * chunks; the data is never uploaded again. Throws `CantCopy`/`CantMove` for a plain source larger
   * than a chunk, or chunks of another size (left by a change of `chunk_size`), so operations stream.
   */
  private async migrate(
    src: ChunkerObject,
    remote: string,
    op: "copy" | "move",
    options?: CallOptions,
  ): Promise<FsObject> {
    const code = op === "copy" ? "CantCopy" : "CantMove";
    remote = cleanRemote(remote);
    const srcMeta = await src.validMeta(options);
    // The pieces of the content, in order: chunks, or the plain object as a single piece.
    const pieces = src.isComposite ? (src.chunks as FsObject[]) : [src.main as FsObject];
    // Chunks written before a change of chunk_size do not line up: stream those.
    if (pieces.some((p, i) => (i < pieces.length - 1 ? p.size !== this.chunkSize : p.size > this.chunkSize))) {
      throw new FsError(code, "source chunks do not line up with chunk_size", { path: src.remote });
    }
    // A single piece stays a plain object here unless this remote stores every file as chunks
    // (meta_format none, hash-all) or the content would be mistaken for metadata (spec §7).
    let plain = pieces.length === 1 && this.useMeta && !this.hashAll;
    if (plain && src.size <= MAX_META_READ) {
      const head = await toBytes(await (pieces[0] as FsObject).open({ signal: options?.signal }));
      plain = parseMeta(head).status === "not-metadata";
    }
    let md5: string | undefined;
    let sha1: string | undefined;
    if (!plain && this.useMeta && this.hashType) {
      if (this.quickHash) {
        const order = this.hashType === "md5" ? (["md5", "sha1"] as const) : (["sha1", "md5"] as const);
        for (const t of order) {
          const h = srcMeta?.[t] ?? (src.isComposite ? undefined : await this.wrappedHash(pieces[0] as FsObject, t));
          if (h) {
            if (t === "md5") md5 = h.toLowerCase();
            else sha1 = h.toLowerCase();
            break;
          }
        }
      } else {
        const t = this.hashType;
        let h = srcMeta?.[t] ?? (src.isComposite ? undefined : await this.wrappedHash(pieces[0] as FsObject, t));
        if (!h) {
          // Read once through the source chunks; nothing is written back.
          const hasher = newHasher(t);
          for await (const part of await src.open({ signal: options?.signal })) hasher.update(part);
          h = hasher.digest();
        }
        if (t === "md5") md5 = h.toLowerCase();
        else sha1 = h.toLowerCase();
      }
    }
    return this.transfer(src, pieces, remote, op, { needMeta: !plain, md5, sha1 }, options);
  }

  /**
   * Copies (or moves) `pieces`, the source's content in order, server-side to temporary chunks of
   * `remote` and commits them (see `commit`). A move copies and removes the source once the copy is
   * committed, so a kill never leaves a file split between two names (which is why this remote has
   * no server-side move over a remote without server-side copy).
   */
  private async transfer(
    src: ChunkerObject,
    pieces: FsObject[],
    remote: string,
    op: "copy" | "move",
    m: { needMeta: boolean; md5?: string; sha1?: string },
    options?: CallOptions,
  ): Promise<FsObject> {
    const copy = this.innerOp("copy");
    return this.serialized(remote, async () => {
      const dir = parentOf(remote);
      const name = baseName(remote);
      const txn = await this.newTxn(remote, options);
      const temps: FsObject[] = [];
      try {
        for (const [i, piece] of pieces.entries()) {
          temps.push(await copy(piece, joinRemote(dir, this.namer.dataName(name, i, txn)), options));
        }
        const committed = await this.commit(
          remote,
          temps,
          { ...m, txn, size: src.size, modTime: src.modTime },
          options,
        );
        if (op === "move") await src.remove(options);
        return committed;
      } catch (err) {
        await this.removeObjects(temps).catch(() => undefined);
        // The wrapped remote refusing a chunk's copy refuses this move, so operations streams it.
        if (op === "move" && isFsError(err, "CantCopy")) {
          throw new FsError("CantMove", "the wrapped remote cannot copy its chunks", { path: src.remote, cause: err });
        }
        throw err;
      } finally {
        activeTxns.delete(`${remote}\0${txn}`);
      }
    });
  }

  /** A wrapped object's hash, or undefined when the wrapped remote has none. */
  private async wrappedHash(obj: FsObject, type: HashType): Promise<string | undefined> {
    if (!this.inner.hashes.has(type)) return undefined;
    try {
      return await obj.hash(type);
    } catch (err) {
      if (isFsError(err, "NotImplemented")) return undefined;
      throw err;
    }
  }
}
