/**
 * The chunker overlay: files larger than `chunk_size` are stored as data chunks plus a small metadata
 * object under the file's own name, exactly as rclone 1.60's chunker stores them (format in
 * `name-format.ts`, `meta.ts`, `txn.ts`).
 */

import { fromBytes, resolveRange, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented, objectNotFound } from "../../fs/errors.js";
import { streamHasher } from "../../fs/hash-worker.js";
import { type HashType, newHasher } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { OverlayFs, OverlayObject, type ServerSideOp } from "../../fs/overlay.js";
import { baseName, cleanRemote, joinRemote, parentOf, unsafeSegment } from "../../fs/path.js";
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
import { cleanUpChunks, type MetaTxn, metaTxn } from "./cleanup.js";
import type { ChunkerOptions } from "./index.js";
import {
  type ChunkerMeta,
  MAX_CHUNKS,
  MAX_META_READ,
  META_VERSION,
  META_VERSION_TXN,
  marshalMeta,
  parseMeta,
} from "./meta.js";
import { ChunkNamer, type ParsedChunk } from "./name-format.js";
import { newTxnId } from "./txn.js";

/** One wrapped chunk object with its index. */
interface Chunk {
  index: number;
  obj: FsObject;
}

/** What the wrapped remote holds for one composite name. */
interface Group {
  main?: FsObject;
  chunks: Chunk[];
  /** Hidden chunks (temporary, control) exist next to a small main object. */
  unsure: boolean;
  /** Why the entry is unusable (gaps, duplicates, a big main object), when it is. */
  bad?: string;
  /**
   * Chunks under final names that are not part of the file (left by an interrupted commit or
   * removal): a commit removes them, or they would join the next version. Set by `findGroup` only.
   */
  stale?: FsObject[];
}

/** Transaction ids in use by this process, so concurrent uploads of one name never share one. */
const activeTxns = new Set<string>();

/** Byte order of UTF-8 names, as rclone sorts a listing. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

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

  /**
   * Groups one wrapped directory listing into composite names (spec §10). Directories are returned
   * as they are; `only` limits the work to one base name (for `newObject`).
   */
  private async groupDir(
    dir: string,
    options?: CallOptions,
    only?: string,
  ): Promise<{ dirs: Directory[]; groups: Map<string, Group>; strays: Map<string, FsObject[]> }> {
    const entries = await this.inner.list(dir, options);
    entries.sort((a, b) => byteOrder(a.remote, b.remote));
    const dirs: Directory[] = [];
    const groups = new Map<string, Group>();
    const strays = new Map<string, FsObject[]>();
    const chunks: { parsed: ParsedChunk; obj: FsObject }[] = [];
    const stray = (parent: string, obj: FsObject) => strays.get(parent)?.push(obj) ?? strays.set(parent, [obj]);
    const group = (name: string) => {
      let g = groups.get(name);
      if (!g) {
        g = { chunks: [], unsure: false };
        groups.set(name, g);
      }
      return g;
    };
    for (const e of entries) {
      const name = baseName(e.remote);
      if (e.kind === "dir") {
        dirs.push(e);
        continue;
      }
      const parsed = this.namer.parse(name);
      if (parsed) {
        const unsafe = unsafeSegment(parsed.parent);
        if (unsafe) {
          log.notice(e.remote, `skipped: a chunk of ${unsafe}`);
          continue;
        }
        if (only === undefined || parsed.parent === only) chunks.push({ parsed, obj: e });
      } else if (only === undefined || name === only) {
        group(name).main = e;
      }
    }
    // Chunks under a txn next to metadata that records that txn are the file's (norename layout,
    // which a rename-mode commit also passes through), in either mode.
    const txns = new Map<string, MetaTxn>();
    for (const { parsed } of chunks) {
      if (parsed.txn === "" || parsed.control !== undefined || txns.has(parsed.parent)) continue;
      const main = groups.get(parsed.parent)?.main;
      if (main) txns.set(parsed.parent, await metaTxn(main, options));
    }
    const renamed = movedToFinalNames(chunks, txns);
    for (const { parsed, obj } of chunks) {
      const current = txns.get(parsed.parent)?.txn ?? "";
      const special = parsed.control !== undefined || (parsed.txn !== current && !renamed.has(obj));
      if (special && parsed.control === undefined && parsed.txn === "") {
        stray(parsed.parent, obj);
      }
      let g = groups.get(parsed.parent);
      if (special) {
        if (g?.main && g.main.size <= MAX_META_READ) g.unsure = true;
        continue;
      }
      if (!g) {
        if (this.useMeta) {
          log.debug(obj.remote, "skip orphan data chunk");
          stray(parsed.parent, obj);
          continue;
        }
        g = group(parsed.parent);
      }
      const index = parsed.index as number;
      if (g.chunks.some((c) => c.index === index)) g.bad = `duplicate chunk ${index + this.options.start_from}`;
      g.chunks.push({ index, obj });
    }
    for (const [name, g] of groups) {
      if (g.chunks.length === 0) continue;
      g.chunks.sort((a, b) => a.index - b.index);
      if (!g.bad) {
        const gap = g.chunks.findIndex((c, i) => c.index !== i);
        if (gap >= 0) g.bad = `missing chunk ${gap + this.options.start_from}`;
      }
      if (!g.bad && this.useMeta && g.main && g.main.size > MAX_META_READ) {
        g.bad = "metadata object is too big";
      }
      if (g.bad) log.debug(joinRemote(dir, name), g.bad);
    }
    return { dirs, groups, strays };
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const { dirs, groups } = await this.groupDir(dir, options);
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
      const { groups, strays } = await this.groupDir(parentOf(remote), options, name);
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
      const it = body[Symbol.asyncIterator]();
      let pending: Uint8Array | undefined;
      let total = 0;
      let ended = false;
      const next = async (): Promise<Uint8Array | undefined> => {
        if (pending) {
          const p = pending;
          pending = undefined;
          return p;
        }
        if (ended) return undefined;
        const r = await it.next();
        if (r.done) {
          ended = true;
          return undefined;
        }
        return r.value;
      };
      const chunkBody = async function* (limit: number, exact: boolean): Body {
        let left = limit;
        while (left > 0) {
          signal?.throwIfAborted();
          let part = await next();
          if (part === undefined) break;
          if (part.length > left) {
            pending = part.subarray(left);
            part = part.subarray(0, left);
          }
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
        if (known ? total >= src.size : ended || total % this.chunkSize !== 0) break;
        if (!known) {
          // Only start another chunk when there is more data, so no empty last chunk is written.
          let more = await next();
          while (more !== undefined && more.length === 0) more = await next();
          if (more === undefined) break;
          pending = more;
        }
      }
      if (known) {
        let extra = await next();
        while (extra !== undefined && extra.length === 0) extra = await next();
        if (extra !== undefined) {
          throw new FsError("Corrupt", `size mismatch: body is larger than ${src.size}`, { path: remote });
        }
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

/**
 * The final-name chunks that belong to a file whose metadata still records a txn: a rename-mode
 * commit moves its chunks from temporary to final names in index order after the metadata switch,
 * so when chunks `j…n-1` are still under the txn, final-name chunks `0…j-1` are the ones already
 * moved. Final-name chunks at `j` or above are a previous version's.
 */
function movedToFinalNames(
  chunks: readonly { parsed: ParsedChunk; obj: FsObject }[],
  txns: ReadonlyMap<string, MetaTxn>,
): Set<FsObject> {
  const firstUnmoved = new Map<string, number>();
  for (const { parsed } of chunks) {
    const t = txns.get(parsed.parent);
    if (!t || t.txn === "" || parsed.txn !== t.txn || parsed.control !== undefined) continue;
    const at = firstUnmoved.get(parsed.parent) ?? t.nchunks;
    firstUnmoved.set(parsed.parent, Math.min(at, parsed.index as number));
  }
  const out = new Set<FsObject>();
  for (const { parsed, obj } of chunks) {
    const t = txns.get(parsed.parent);
    if (!t || t.txn === "" || parsed.txn !== "" || parsed.control !== undefined) continue;
    if ((parsed.index as number) < (firstUnmoved.get(parsed.parent) ?? t.nchunks)) out.add(obj);
  }
  return out;
}

/** A file seen through the chunker: plain (one wrapped object) or composite (chunks + metadata). */
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
