/**
 * One error class for everything a remote can report, told apart by `code` (rclone's sentinels),
 * with a retry kind that decides what the operations layer does with it.
 */

export type ErrorCode =
  | "ObjectNotFound"
  | "DirNotFound"
  | "IsDir"
  | "IsFile"
  | "DirNotEmpty"
  | "AlreadyExists"
  | "CantCopy"
  | "CantMove"
  | "CantDirMove"
  | "NotImplemented"
  | "PermissionDenied"
  | "ConfigInvalid"
  | "Usage"
  | "Corrupt"
  | "AuthFailed"
  | "PathEscape"
  | "Transient"
  | "MaxTransferReached"
  | "NoTransfer"
  /** `check` found differences (rclone exits 1 for them). */
  | "Differences"
  | "Other";

/**
 * permanent: retrying gives the same answer. temporary: retry after back-off (network, throttling).
 * fatal: stop the whole run (bad credentials). noRetry: a less serious failure, not retried.
 */
export type RetryKind = "permanent" | "temporary" | "fatal" | "noRetry";

/** The `Fs` and `FsObject` operations, as errors name the one that failed (`FsError.op`). */
export type FsOp =
  | "list"
  | "newObject"
  | "open"
  | "put"
  | "putStream"
  | "mkdir"
  | "rmdir"
  | "remove"
  | "setModTime"
  | "hash"
  | "copy"
  | "move"
  | "dirMove"
  | "purge"
  | "about"
  | "cleanUp";

/** Where an error happened: filled in by the path guard (`withContext`) rather than by each backend. */
export interface ErrorContext {
  /** The path, relative to the remote's root, the failed operation was given. */
  path?: string;
  /** The operation that failed. */
  op?: FsOp;
  /** The remote it failed on, as its `toString()` names it. */
  fs?: string;
}

export interface FsErrorOptions extends ErrorContext {
  retry?: RetryKind;
  cause?: unknown;
}

export class FsError extends Error {
  readonly code: ErrorCode;
  readonly retry: RetryKind;
  /** The path the error is about; when given to the constructor, the message starts with it. */
  readonly path: string | undefined;
  /** The operation that failed; see `withContext`. */
  readonly op: FsOp | undefined;
  /** The remote (its `toString()`) the operation failed on; see `withContext`. */
  readonly fs: string | undefined;

  constructor(code: ErrorCode, message: string, options: FsErrorOptions = {}) {
    // The root's path is "": nothing to put before the message.
    super(options.path ? `${options.path}: ${message}` : message, { cause: options.cause });
    this.name = "FsError";
    this.code = code;
    this.retry = options.retry ?? (code === "Transient" ? "temporary" : "permanent");
    this.path = options.path;
    this.op = options.op;
    this.fs = options.fs;
  }
}

/**
 * Fills in the context fields `err` lacks and returns it; anything but an `FsError` is returned
 * untouched. The message is not changed, so a path is never printed twice. Fields already set win:
 * an error keeps the context of the innermost remote that reported it (an overlay that re-addresses
 * an inner error to its own path makes a new error, which gets the overlay's context).
 */
export function withContext(err: unknown, context: ErrorContext): unknown {
  if (!isFsError(err)) return err;
  // The fields are read-only to users; this is the one place that completes them after construction.
  const open = err as { -readonly [K in keyof ErrorContext]: ErrorContext[K] };
  open.path ??= context.path;
  open.op ??= context.op;
  open.fs ??= context.fs;
  return err;
}

/**
 * A format module's complaint about stored bytes or names (bad padding, an encoding that does not
 * decode, a short header). Format modules know nothing of remotes, so it carries no path or code;
 * the path guard turns one that leaves an operation into `Corrupt` with that operation's context
 * (`corruptFromFormat`), the one place it maps, so overlays need no try/catch just to convert.
 */
export class FormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FormatError";
  }
}

/** True for a `FormatError` (checked by name, not instanceof, like `isFsError`). */
export function isFormatError(err: unknown): err is FormatError {
  return typeof err === "object" && err !== null && (err as { name?: unknown }).name === "FormatError";
}

/** `err` as `Corrupt` about `path` when it is a `FormatError` (the message then starts with the path); else `err`. */
export function corruptFromFormat(err: unknown, path: string): unknown {
  return isFormatError(err) ? new FsError("Corrupt", err.message, { path, cause: err }) : err;
}

/**
 * `err` when it is an `FsError`, else one with code `code` carrying `err`'s message (and `err` as
 * its cause) about `path`: how a failure of unknown origin joins a list of FsErrors.
 */
export function asFsError(err: unknown, code: ErrorCode, path?: string): FsError {
  if (isFsError(err)) return err;
  return new FsError(code, err instanceof Error ? err.message : String(err), { path, cause: err });
}

/** True when `err` is an FsError with one of `codes` (check by code, not instanceof, across copies). */
export function isFsError(err: unknown, ...codes: ErrorCode[]): err is FsError {
  if (typeof err !== "object" || err === null || (err as { name?: unknown }).name !== "FsError") return false;
  return codes.length === 0 || codes.includes((err as FsError).code);
}

/** Whether one operation is worth another attempt (--low-level-retries): only temporary errors are. */
export function isRetryable(err: unknown): boolean {
  return isFsError(err) && err.retry === "temporary";
}

/**
 * Codes that come back the same however often a run is repeated: data that failed verification or
 * a name that would escape its root (the stored bytes and names do not change between attempts),
 * and a config or command line that is wrong.
 */
const SAME_NEXT_RUN: readonly ErrorCode[] = ["Corrupt", "PathEscape", "ConfigInvalid", "Usage"];

/**
 * Whether repeating a whole run (rclone's --retries) could end differently because of `err`. As in
 * rclone, fatal and no-retry errors are not worth it and anything else is, except the codes above
 * unless their thrower marked them temporary (bytes damaged in flight rather than at rest).
 */
export function worthAnotherRun(err: unknown): boolean {
  if (!isFsError(err)) return true;
  if (err.retry === "fatal" || err.retry === "noRetry") return false;
  return err.retry === "temporary" || !SAME_NEXT_RUN.includes(err.code);
}

/** rclone's exit codes. */
export const ExitCode = {
  ok: 0,
  usage: 1,
  other: 2,
  dirNotFound: 3,
  fileNotFound: 4,
  temporary: 5,
  lessSerious: 6,
  fatal: 7,
  maxTransfer: 8,
  noTransfer: 9,
} as const;

/** Maps an error to the exit code rclone would use for it. */
export function exitCodeFor(err: unknown): number {
  if (!isFsError(err)) return ExitCode.other;
  // As in rclone, these sentinels win over the retry kind: a max-transfer stop is fatal yet exits 8.
  switch (err.code) {
    case "DirNotFound":
      return ExitCode.dirNotFound;
    case "ObjectNotFound":
      return ExitCode.fileNotFound;
    case "MaxTransferReached":
      return ExitCode.maxTransfer;
    case "NoTransfer":
      return ExitCode.noTransfer;
    default:
      break;
  }
  switch (err.retry) {
    case "temporary":
      return ExitCode.temporary;
    case "fatal":
      return ExitCode.fatal;
    case "noRetry":
      return ExitCode.lessSerious;
    default:
      break;
  }
  switch (err.code) {
    case "Usage":
    case "ConfigInvalid":
    case "Differences":
      return ExitCode.usage;
    default:
      return ExitCode.other;
  }
}

export const objectNotFound = (path: string) => new FsError("ObjectNotFound", "object not found", { path });
export const dirNotFound = (path: string) => new FsError("DirNotFound", "directory not found", { path });
export const notImplemented = (what: string, path?: string) =>
  new FsError("NotImplemented", `${what} is not supported by this remote`, { path });
