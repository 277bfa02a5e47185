/**
 * The base of transparent layers (path guard, fault injection, counting): every call on the Fs and on
 * its objects goes through `call`, bodies through `wrapRead` / `wrapWrite`, paths through `path`.
 * Names and bytes pass unchanged unless a subclass says otherwise.
 */

import type { FsOp } from "../errors.js";
import {
  disableFeatures,
  type Features,
  fillFeatures,
  flagsOf,
  OPTIONAL_OPS,
  type OptionalOps,
  requireOp,
} from "../features.js";
import type { HashType } from "../hashes.js";
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
  Usage,
} from "../types.js";

/** The operations a layer sees (the names errors carry as `op`). */
export type OpKind = FsOp;

export abstract class LayerFs implements Fs {
  readonly features: Features;

  /** `disable` names features to switch off here (see `disableFeatures`: rclone's --disable). */
  constructor(
    readonly inner: Fs,
    disable: readonly string[] = [],
  ) {
    const impl: Partial<OptionalOps> = {};
    for (const op of OPTIONAL_OPS) {
      if (inner.features[op]) (impl as Record<string, unknown>)[op] = (this[op] as () => unknown).bind(this);
    }
    this.features = disableFeatures(fillFeatures(impl, flagsOf(inner.features)), disable);
  }

  /** The Fs this layer wraps (rclone's UnWrap). */
  unwrap(): Fs {
    return this.inner;
  }

  get name(): string {
    return this.inner.name;
  }
  get root(): string {
    return this.inner.root;
  }
  get hashes(): ReadonlySet<HashType> {
    return this.inner.hashes;
  }
  get precision(): number {
    return this.inner.precision;
  }
  toString(): string {
    return this.inner.toString();
  }
  /** A layer owns what it wraps: closing it closes that. */
  async close(): Promise<void> {
    await this.inner.close?.();
  }

  /** Runs one operation; subclasses add checks, faults, counts. */
  protected call<T>(_kind: OpKind, _remote: string, run: () => Promise<T>): Promise<T> {
    return run();
  }
  /** Maps a path before operation `_kind` takes it down (the path guard cleans it here). */
  protected path(remote: string, _kind: OpKind): string {
    return remote;
  }
  /** Wraps a body read from `remote`. */
  protected wrapRead(_remote: string, body: Body, _options?: OpenOptions): Body {
    return body;
  }
  /** Wraps a body written to `remote`. */
  protected wrapWrite(_remote: string, body: Body): Body {
    return body;
  }

  /** This layer's view of an inner object. */
  protected wrapObject(o: FsObject): FsObject {
    return new LayerObject(this, o);
  }
  /**
   * Whether server-side operations may see through this layer to the object below. A layer that
   * simulates a failing source says no, so copies of its objects stream through its faults.
   */
  readonly serverSideThrough: boolean = true;

  // async so a refused path (the guard's PathEscape) rejects the promise instead of throwing synchronously.
  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const d = this.path(dir, "list");
    return this.call("list", d, async () =>
      (await this.inner.list(d, options)).map((e) => (e.kind === "file" ? this.wrapObject(e) : (e as Directory))),
    );
  }
  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const r = this.path(remote, "newObject");
    return this.call("newObject", r, async () => this.wrapObject(await this.inner.newObject(r, options)));
  }
  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const r = this.path(src.remote, "put");
    return this.call("put", r, async () =>
      this.wrapObject(await this.inner.put(this.wrapWrite(r, body), withRemote(src, r), options)),
    );
  }
  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    const d = this.path(dir, "mkdir");
    return this.call("mkdir", d, () => this.inner.mkdir(d, options));
  }
  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    const d = this.path(dir, "rmdir");
    return this.call("rmdir", d, () => this.inner.rmdir(d, options));
  }

  async copy(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    const r = this.path(remote, "copy");
    return this.call("copy", r, async () =>
      this.wrapObject(await requireOp(this.inner, "copy")(objectUnderLayers(src, true), r, options)),
    );
  }
  async move(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    const r = this.path(remote, "move");
    return this.call("move", r, async () =>
      this.wrapObject(await requireOp(this.inner, "move")(objectUnderLayers(src, true), r, options)),
    );
  }
  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    const from = src instanceof LayerFs ? src.path(srcRemote, "dirMove") : srcRemote;
    const to = this.path(dstRemote, "dirMove");
    return this.call("dirMove", to, () => requireOp(this.inner, "dirMove")(underLayers(src, true), from, to, options));
  }
  async purge(dir: string, options?: CallOptions): Promise<void> {
    const d = this.path(dir, "purge");
    return this.call("purge", d, () => requireOp(this.inner, "purge")(d, options));
  }
  async putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const r = this.path(src.remote, "putStream");
    const putStream = requireOp(this.inner, "putStream");
    return this.call("putStream", r, async () =>
      this.wrapObject(await putStream(this.wrapWrite(r, body), withRemote(src, r), options)),
    );
  }
  about(options?: CallOptions): Promise<Usage> {
    return this.call("about", "", () => requireOp(this.inner, "about")(options));
  }
  cleanUp(options?: CallOptions): Promise<void> {
    return this.call("cleanUp", "", () => requireOp(this.inner, "cleanUp")(options));
  }

  /** Lets objects of this layer reach the protected hooks. */
  static hooks(layer: LayerFs) {
    return {
      call: layer.call.bind(layer),
      wrapRead: layer.wrapRead.bind(layer),
    };
  }
}

/** An inner object seen through a layer. */
export class LayerObject implements FsObject {
  readonly kind = "file";
  constructor(
    readonly fs: LayerFs,
    readonly inner: FsObject,
  ) {}
  get remote(): string {
    return this.inner.remote;
  }
  get size(): number {
    return this.inner.size;
  }
  get modTime(): Date {
    return this.inner.modTime;
  }
  /** The inner object's, when its listing left its modtime to be loaded. */
  get loadModTime(): FsObject["loadModTime"] {
    return this.inner.loadModTime?.bind(this.inner);
  }
  /** The inner object's check holds only for a layer that passes bytes unchanged (not fault injection). */
  get checksWholeRead(): HashType | undefined {
    return this.fs.serverSideThrough ? this.inner.checksWholeRead : undefined;
  }
  open(options?: OpenOptions): Promise<Body> {
    const h = LayerFs.hooks(this.fs);
    return h.call("open", this.remote, async () => h.wrapRead(this.remote, await this.inner.open(options), options));
  }
  remove(options?: CallOptions): Promise<void> {
    return LayerFs.hooks(this.fs).call("remove", this.remote, () => this.inner.remove(options));
  }
  setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    return LayerFs.hooks(this.fs).call("setModTime", this.remote, () => this.inner.setModTime(modTime, options));
  }
  hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    return LayerFs.hooks(this.fs).call("hash", this.remote, () => this.inner.hash(type, options));
  }
}

/** `src` with its destination path replaced, everything else delegated. */
export function withRemote(src: ObjectInfo, remote: string): ObjectInfo {
  if (src.remote === remote) return src;
  return {
    remote,
    size: src.size,
    modTime: src.modTime,
    fs: src.fs,
    hash: src.hash?.bind(src),
  };
}

/**
 * `fs` under every transparent layer (path guard, counting, fault injection), or with `serverSide`
 * only under those that let server-side operations see through (so a backend recognises its own).
 */
export function underLayers(fs: Fs, serverSide = false): Fs {
  let inner = fs;
  while (inner instanceof LayerFs && (!serverSide || inner.serverSideThrough)) inner = inner.inner;
  return inner;
}

/** The object under every transparent layer, as `underLayers` finds the Fs. */
export function objectUnderLayers(o: FsObject, serverSide = false): FsObject {
  let inner = o;
  while (inner instanceof LayerObject && (!serverSide || inner.fs.serverSideThrough)) inner = inner.inner;
  return inner;
}
