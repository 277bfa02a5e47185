/**
 * Capabilities: a few facts code branches on, plus optional operations. rclone's `Features`, typed.
 * Callers test an operation's presence (`if (fs.features.copy)`) and fall back when it is missing.
 */
import { FsError } from "./errors.js";
import type { Body, CallOptions, Fs, FsObject, ObjectInfo, PutOptions, Usage } from "./types.js";

export interface FeatureFlags {
  /** Names differing only in case are the same file. */
  readonly caseInsensitive: boolean;
  /** Directories exist on their own (false on bucket stores, where they are key prefixes). */
  readonly canHaveEmptyDirs: boolean;
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
  const { caseInsensitive, canHaveEmptyDirs, slowHash, serverSideAcrossConfigs, isLocal } = f;
  return { caseInsensitive, canHaveEmptyDirs, slowHash, serverSideAcrossConfigs, isLocal };
}

/** The error a missing optional operation reports: rclone's `Cant*` sentinels, else `NotImplemented`. */
export function missingOp(op: OptionalOpName, fs: Fs): FsError {
  const code =
    op === "copy" ? "CantCopy" : op === "move" ? "CantMove" : op === "dirMove" ? "CantDirMove" : "NotImplemented";
  return new FsError(code, `${fs} has no ${op}`);
}

/** `fs`'s optional operation `op`. Throws `missingOp(op, fs)` when it has none (never a TypeError). */
export function requireOp<K extends OptionalOpName>(fs: Fs, op: K): NonNullable<OptionalOps[K]> {
  const fn = fs.features[op];
  if (!fn) throw missingOp(op, fs);
  return fn;
}

/**
 * Feature names as rclone's --disable spells them (`Copy`, `PutStream`, `CanHaveEmptyDirectories`,
 * …), lower-cased, with the key each stands for here. Our own spellings are accepted too.
 */
const FEATURE_NAMES: ReadonlyMap<string, keyof Features> = new Map<string, keyof Features>([
  ...[...Object.keys(DEFAULT_FLAGS), ...OPTIONAL_OPS].map((k) => [k.toLowerCase(), k as keyof Features] as const),
  ["canhaveemptydirectories", "canHaveEmptyDirs"],
]);

/** The key a feature name (rclone's spelling or ours, any case) stands for; undefined for an unknown one. */
export function featureKey(name: string): keyof Features | undefined {
  return FEATURE_NAMES.get(name.trim().toLowerCase());
}

/**
 * Switches features off by name (rclone's --disable, a remote's `disable` option, a backend quirk), so
 * the fallback paths run: an operation is removed, a fact becomes false. Names are matched as
 * `featureKey` does; unknown names are ignored, as rclone ignores them.
 */
export function disableFeatures(features: Features, names: readonly string[]): Features {
  const out: Record<string, unknown> = { ...features };
  for (const name of names) {
    const key = featureKey(name);
    if (key === undefined) continue;
    if (key in DEFAULT_FLAGS) out[key] = false;
    else delete out[key];
  }
  return Object.freeze(out) as unknown as Features;
}
