/**
 * Capabilities: a few facts code branches on, plus optional operations. rclone's `Features`, typed.
 * Callers test an operation's presence (`if (fs.features.copy)`) and fall back when it is missing.
 */
import type { Body, CallOptions, Fs, FsObject, ObjectInfo, PutOptions, Usage } from "./types.js";

export interface FeatureFlags {
  /** Names differing only in case are the same file. */
  readonly caseInsensitive: boolean;
  /** Directories exist on their own (false on bucket stores, where they are key prefixes). */
  readonly canHaveEmptyDirs: boolean;
  /** The first path segment is a bucket. */
  readonly bucketBased: boolean;
  /** Hashes cost a full read, so sync should not ask for them casually. */
  readonly slowHash: boolean;
  /** Server-side copy/move may take sources from another remote of the same type. */
  readonly serverSideAcrossConfigs: boolean;
  /**
   * A disk of this machine (rclone's IsLocal): its `copy` is the kernel's, which rclone's local
   * backend does as a stream, so --bwlimit and --max-transfer make operations stream it too.
   * Only the local backend and the layers over it say so; an overlay does not inherit it.
   */
  readonly isLocal: boolean;
}

export interface OptionalOps {
  /** Server-side copy of `src` to `remote`. Throws `CantCopy` for a source it cannot take. */
  copy?(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject>;
  /** Server-side move of `src` to `remote`. Throws `CantMove` for a source it cannot take. */
  move?(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject>;
  /** Moves directory `srcRemote` of `src` to `dstRemote` here. Throws `CantDirMove` or `AlreadyExists`. */
  dirMove?(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void>;
  /** Removes `dir` and everything under it. */
  purge?(dir: string, options?: CallOptions): Promise<void>;
  /** Like `put`, for a source of unknown size (`src.size === -1`). */
  putStream?(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject>;
  /** Total, used and free space. */
  about?(options?: CallOptions): Promise<Usage>;
  /** Removes leftovers of interrupted operations (temporary chunks, trash). */
  cleanUp?(options?: CallOptions): Promise<void>;
}

export type OptionalOpName = keyof OptionalOps;
export const OPTIONAL_OPS: readonly OptionalOpName[] = [
  "copy",
  "move",
  "dirMove",
  "purge",
  "putStream",
  "about",
  "cleanUp",
];

export type Features = FeatureFlags & Readonly<OptionalOps>;

export const DEFAULT_FLAGS: FeatureFlags = {
  caseInsensitive: false,
  canHaveEmptyDirs: true,
  bucketBased: false,
  slowHash: false,
  serverSideAcrossConfigs: false,
  isLocal: false,
};

/** Builds features from flags and the optional operations an implementation defines (bound to it). */
export function fillFeatures(impl: Partial<OptionalOps>, flags: Partial<FeatureFlags> = {}): Features {
  const features: FeatureFlags & OptionalOps = { ...DEFAULT_FLAGS, ...flags };
  for (const op of OPTIONAL_OPS) {
    const fn = impl[op];
    if (typeof fn === "function") (features as unknown as Record<string, unknown>)[op] = fn.bind(impl);
  }
  return Object.freeze(features);
}

/** The facts of a feature set, without its operations. */
export function flagsOf(f: Features): FeatureFlags {
  const { caseInsensitive, canHaveEmptyDirs, bucketBased, slowHash, serverSideAcrossConfigs, isLocal } = f;
  return { caseInsensitive, canHaveEmptyDirs, bucketBased, slowHash, serverSideAcrossConfigs, isLocal };
}

/**
 * Limits an overlay's features by those of the Fs it wraps: each operation in `dependsOn` is kept only
 * if `wrapped` has it too, and facts combine so the overlay never claims more than its base can do.
 */
export function maskFeatures(mine: Features, wrapped: Features, dependsOn: readonly OptionalOpName[]): Features {
  const out: FeatureFlags & OptionalOps = {
    ...mine,
    caseInsensitive: mine.caseInsensitive || wrapped.caseInsensitive,
    canHaveEmptyDirs: mine.canHaveEmptyDirs && wrapped.canHaveEmptyDirs,
    bucketBased: mine.bucketBased || wrapped.bucketBased,
    slowHash: mine.slowHash || wrapped.slowHash,
  };
  for (const op of dependsOn) if (!wrapped[op]) delete out[op];
  return Object.freeze(out);
}

/** Removes operations by name (from config or tests, to force the fallback paths). */
export function disableFeatures(features: Features, names: readonly string[]): Features {
  const out: Record<string, unknown> = { ...features };
  for (const name of names) {
    if (name in DEFAULT_FLAGS) out[name] = false;
    else delete out[name];
  }
  return Object.freeze(out) as unknown as Features;
}
