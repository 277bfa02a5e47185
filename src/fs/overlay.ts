/**
 * The base of overlays (chunker, crypt, compress): an Fs that stores its files in another one, `inner`,
 * under other names or bytes. Unlike a layer it forwards nothing by default: an optional operation is
 * offered only when the overlay implements it (or names it in `forwards`), and only while the inner Fs
 * has what it needs, unless the overlay says it provides it itself. rclone's `Features.Fill().Mask()`.
 */
import { FsError } from "./errors.js";
import {
  DEFAULT_FLAGS,
  type FeatureFlags,
  type Features,
  fillFeatures,
  OPTIONAL_OPS,
  type OptionalOpName,
  type OptionalOps,
  requireOp,
} from "./features.js";
import type { HashType } from "./hashes.js";
import { objectUnderLayers, underLayers } from "./layers/layer.js";
import { loadVia } from "./modtime.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, OpenOptions, PutOptions } from "./types.js";

/** How an overlay's optional operations depend on its inner Fs. */
export interface OverlaySpec {
  /** Operations it does without the inner's (compress spills a stream of unknown size). */
  provides?: readonly OptionalOpName[];
  /** What an operation needs of the inner Fs when that is not the same operation (chunker's move copies). */
  needs?: Partial<Record<OptionalOpName, readonly OptionalOpName[]>>;
  /** Operations passed to the inner Fs as they are, names unchanged (chunker's and compress's purge). */
  forwards?: readonly OptionalOpName[];
  /** Facts of its own; the inner's limits are added (see `overlayFlags`). */
  flags?: Partial<FeatureFlags>;
}

/** The server-side operations an overlay implements once, in `serverSide`, for both `copy` and `move`. */
export type ServerSideOp = "copy" | "move";

/** The code a refused server-side operation throws, so operations falls back to streaming. */
const REFUSED = { copy: "CantCopy", move: "CantMove", dirMove: "CantDirMove" } as const;

export abstract class OverlayFs implements Fs {
  readonly features: Features;
  abstract readonly hashes: ReadonlySet<HashType>;
  /** The inner Fs's modtime precision: overlays keep modtimes where their inner Fs does. */
  readonly precision: number;

  /** `acrossConfigs`: take sources stored in another config of this type (server_side_across_configs). */
  constructor(
    readonly name: string,
    readonly root: string,
    readonly inner: Fs,
    private readonly spec: OverlaySpec = {},
    acrossConfigs = false,
  ) {
    this.precision = inner.precision;
    this.features = this.maskedFeatures(acrossConfigs);
  }

  /** What operation `op` needs of the inner Fs to be offered: nothing when the overlay provides it itself. */
  needsOf(op: OptionalOpName): readonly OptionalOpName[] {
    return this.spec.provides?.includes(op) ? [] : (this.spec.needs?.[op] ?? [op]);
  }

  /** The Fs this overlay stores into (rclone's UnWrap). */
  unwrap(): Fs {
    return this.inner;
  }

  abstract toString(): string;
  abstract list(dir: string, options?: CallOptions): Promise<Entry[]>;
  abstract newObject(remote: string, options?: CallOptions): Promise<FsObject>;
  abstract put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject>;
  abstract mkdir(dir: string, options?: CallOptions): Promise<void>;
  abstract rmdir(dir: string, options?: CallOptions): Promise<void>;

  /**
   * Server-side copy or move of `src`, an object of this overlay type that `takes` accepted. Defined
   * by overlays that offer both; throws `CantCopy`/`CantMove` for a source it cannot take after all.
   */
  protected serverSide?(src: OverlayObject, remote: string, op: ServerSideOp, options?: CallOptions): Promise<FsObject>;

  /**
   * Whether a directory of `src` (an Fs of this overlay type that `takes` accepted) is stored as this
   * overlay stores one, so the inner `dirMove` can move it as it is. Defined by overlays offering it.
   */
  protected storesLike?(src: OverlayFs): boolean;

  /** The inner path of directory `dir` (names pass unchanged unless the overlay maps them). */
  protected innerDir(dir: string): string {
    return dir;
  }

  /** An error of the inner Fs about `innerPath`, as this overlay reports it about `remote`. */
  protected readdress(err: unknown, _remote: string): unknown {
    return err;
  }

  /** The inner Fs's operation `op`. Throws `CantCopy`, `CantMove`, `CantDirMove` or `NotImplemented` without one. */
  protected innerOp<K extends OptionalOpName>(op: K): NonNullable<OptionalOps[K]> {
    return requireOp(this.inner, op);
  }

  /**
   * The one identity rule of server-side operations: `src` (under see-through layers) is an Fs of
   * this overlay type that stores into the same config as this one (the same inner Fs, or one of the
   * same config name), or into any config when server-side operations across configs are allowed.
   * The inner Fs still decides whether it takes the inner objects.
   */
  takes(src: Fs): boolean {
    const from = underLayers(src, true);
    if (!(from instanceof OverlayFs) || from.constructor !== this.constructor) return false;
    return this.features.serverSideAcrossConfigs || sameConfig(from.inner, this.inner);
  }

  /** The error for a source this overlay does not take server-side. */
  protected refuse(op: ServerSideOp | "dirMove", why: string, path?: string): FsError {
    return new FsError(REFUSED[op], why, { path });
  }

  /** `src` as an object of this overlay type that `takes` accepts; throws `CantCopy`/`CantMove` otherwise. */
  private source(src: FsObject, op: ServerSideOp): OverlayObject {
    const from = objectUnderLayers(src, true);
    if (from instanceof OverlayObject && this.takes(from.fs)) return from;
    throw this.refuse(op, `source is not a ${this.constructor.name} object of the same config`, src.remote);
  }

  private async dirMoveFrom(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    const from = underLayers(src, true);
    if (!(from instanceof OverlayFs) || !this.takes(from) || !this.storesLike?.(from)) {
      throw this.refuse("dirMove", `source is not a ${this.constructor.name} remote storing as this one`);
    }
    try {
      await this.innerOp("dirMove")(from.inner, from.innerDir(srcRemote), this.innerDir(dstRemote), options);
    } catch (err) {
      throw this.readdress(err, dstRemote);
    }
  }

  /** The operations this overlay implements, forwards, or gets from the base, kept as `spec` says. */
  private maskedFeatures(acrossConfigs: boolean): Features {
    const spec = this.spec;
    const impl: OpTable = {};
    const own = this as unknown as OpTable;
    for (const op of OPTIONAL_OPS) {
      if (spec.forwards?.includes(op)) {
        impl[op] = async (...args: unknown[]) => (this.innerOp(op) as (...a: unknown[]) => unknown)(...args);
      } else if ((op === "copy" || op === "move") && this.serverSide) {
        impl[op] = async (src: FsObject, remote: string, options?: CallOptions) =>
          this.serverSide?.(this.source(src, op), remote, op, options);
      } else if (op === "dirMove" && this.storesLike) {
        impl[op] = this.dirMoveFrom.bind(this);
      } else if (typeof own[op] === "function") {
        impl[op] = (own[op] as () => unknown).bind(this);
      }
    }
    return overlayFeatures(impl, (op) => this.needsOf(op), [this.inner], spec.flags ?? {}, acrossConfigs);
  }
}

/** Optional operations by name, as an overlay collects them before masking. */
type OpTable = Partial<Record<OptionalOpName, unknown>>;

/**
 * The features of an overlay storing into `inners` (one for chunker, crypt and compress, every
 * upstream for erasure): each operation `impl` defines (bound to it) is kept only while every inner
 * Fs has all that `needsOf` says it needs, and the facts are combined by `overlayFlags`.
 */
export function overlayFeatures(
  impl: object,
  needsOf: (op: OptionalOpName) => readonly OptionalOpName[],
  inners: readonly Fs[],
  flags: Partial<FeatureFlags>,
  acrossConfigs: boolean,
): Features {
  const ops = impl as OpTable;
  const kept: OpTable = {};
  for (const op of OPTIONAL_OPS) {
    const fn = ops[op];
    if (typeof fn === "function" && needsOf(op).every((n) => inners.every((i) => i.features[n]))) {
      kept[op] = fn.bind(impl);
    }
  }
  return fillFeatures(
    kept as Partial<OptionalOps>,
    overlayFlags(
      flags,
      inners.map((i) => i.features),
      acrossConfigs,
    ),
  );
}

/**
 * An overlay's facts: its own, limited by those of every Fs it stores into, so it never claims what
 * its base cannot do. Whether a copy is the kernel's (`isLocal`) is the inner Fs's business, not inherited.
 */
export function overlayFlags(
  mine: Partial<FeatureFlags>,
  inners: readonly FeatureFlags[],
  acrossConfigs: boolean,
): FeatureFlags {
  const own = { ...DEFAULT_FLAGS, ...mine };
  return {
    ...own,
    caseInsensitive: own.caseInsensitive || inners.some((i) => i.caseInsensitive),
    canHaveEmptyDirs: own.canHaveEmptyDirs && inners.every((i) => i.canHaveEmptyDirs),
    slowHash: mine.slowHash ?? inners.some((i) => i.slowHash),
    serverSideAcrossConfigs: acrossConfigs,
  };
}

/**
 * Whether two Fs store into the same config: the same instance once see-through layers are looked
 * through, or the same config name (another root of one remote). rclone's SameConfig.
 */
export function sameConfig(a: Fs, b: Fs): boolean {
  const x = underLayers(a, true);
  const y = underLayers(b, true);
  return x === y || x.name === y.name;
}

/**
 * An overlay storing each file across several Fs, all alike (erasure): `upstreams` are what it wraps,
 * and an operation it offers needs `needsOf(op)` of every one of them.
 */
export interface Spreading extends Fs {
  readonly upstreams: readonly Fs[];
  needsOf(op: OptionalOpName): readonly OptionalOpName[];
}

/** Whether `fs` stores across several Fs (see `Spreading`). */
export function isSpreading(fs: Fs): fs is Spreading {
  return Array.isArray((fs as Partial<Spreading>).upstreams);
}

/** An Fs wrapping exactly one other, a layer or an overlay: `unwrap()` is the Fs it wraps (rclone's UnWrap). */
export interface Wrapping extends Fs {
  readonly inner: Fs;
  unwrap(): Fs;
}

/** Whether `fs` wraps one other Fs (see `Wrapping`). */
export function isWrapping(fs: Fs): fs is Wrapping {
  return typeof (fs as Partial<Wrapping>).unwrap === "function";
}

/** The Fs at the bottom of a stack of layers and overlays: `unwrap()` followed while there is one. */
export function baseOf(fs: Fs): Fs {
  let inner = fs;
  while (isWrapping(inner)) inner = inner.unwrap();
  return inner;
}

/** The base of an overlay's objects: the file `remote` of overlay `fs`. */
export abstract class OverlayObject implements FsObject {
  readonly kind = "file";
  abstract readonly size: number;
  abstract modTime: Date;

  constructor(
    readonly fs: OverlayFs,
    readonly remote: string,
  ) {}

  /** The inner object whose modtime this one reports (set by overlays whose modtime is an inner one's). */
  protected modTimeSource: FsObject | undefined;

  /** Loads the modtime of `modTimeSource` where its listing did not give it (see `FsObject.loadModTime`). */
  get loadModTime(): FsObject["loadModTime"] {
    return loadVia(this.modTimeSource, (t) => {
      this.modTime = t;
    });
  }

  abstract open(options?: OpenOptions): Promise<Body>;
  abstract remove(options?: CallOptions): Promise<void>;
  abstract setModTime(modTime: Date, options?: CallOptions): Promise<void>;
  abstract hash(type: HashType, options?: CallOptions): Promise<string | undefined>;
}
