/** Sending file contents to a stream, as rclone's `cat`: whole files, heads, tails or ranges. */
import { FsError } from "../errors.js";
import { log } from "../log.js";
import type { CallOptions } from "../types.js";
import { listTarget } from "./list.js";
import type { Target } from "./target.js";

export interface CatRange {
  /** Where to start in each file; negative counts from the end. */
  offset: number;
  /** Bytes to send from each file; negative = to the end. */
  count: number;
}

export interface CatFlags {
  head?: number;
  tail?: number;
  offset?: number;
  count?: number;
}

/**
 * Turns rclone's `--head`, `--tail`, `--offset`, `--count` into one range. Throws `Usage` when more
 * than one of head, tail and offset/count is used.
 */
export function catRange(flags: CatFlags): CatRange {
  const head = flags.head ?? 0;
  const tail = flags.tail ?? 0;
  const offset = flags.offset ?? 0;
  const count = flags.count ?? -1;
  const usedOffset = offset !== 0 || count >= 0;
  if ((head > 0 && tail > 0) || (head > 0 && usedOffset) || (tail > 0 && usedOffset)) {
    throw new FsError("Usage", "Can only use one of  --head, --tail or --offset with --count");
  }
  if (head > 0) return { offset: 0, count: head };
  if (tail > 0) return { offset: -tail, count: -1 };
  return { offset, count };
}

export interface CatOptions extends CallOptions, Partial<CatRange> {
  /** Levels to descend (negative or undefined = all). */
  maxDepth?: number;
}

/**
 * The bytes of every file under the target (the file itself for a file target), one file after the
 * other in listing order. Each file is opened with a ranged read, so only the requested bytes are
 * fetched. A file that fails is logged at ERROR and skipped; the last such error is thrown after the
 * last byte. Throws `DirNotFound` for a missing directory.
 */
export async function* cat(target: Target, options: CatOptions = {}): AsyncGenerator<Uint8Array> {
  const offset = options.offset ?? 0;
  const count = options.count ?? -1;
  let lastError: unknown;
  for await (const o of listTarget(target, { maxDepth: options.maxDepth, filesOnly: true })) {
    if (o.kind !== "file") continue;
    let start = offset < 0 ? offset + o.size : offset;
    if (start < 0) start = 0;
    const length = count >= 0 ? count : undefined;
    if (length === 0) continue;
    let body: AsyncIterable<Uint8Array>;
    try {
      body = await o.open({ offset: start, length, signal: options.signal });
    } catch (err) {
      log.error(o.remote, `Failed to open: ${err instanceof Error ? err.message : String(err)}`);
      lastError = err;
      continue;
    }
    try {
      for await (const chunk of body) yield chunk;
    } catch (err) {
      log.error(o.remote, `Failed to send to output: ${err instanceof Error ? err.message : String(err)}`);
      lastError = err;
    }
  }
  if (lastError !== undefined) throw lastError;
}
