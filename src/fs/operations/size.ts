/** Counting what a path holds, as rclone's `size`. */
import type { Filter } from "../filter/filter.js";
import type { CallOptions } from "../types.js";
import { listTarget } from "./list.js";
import type { Target } from "./target.js";

export interface SizeResult {
  /** Files counted (sizeless ones included). */
  count: number;
  /** Their total size in bytes (unknown sizes count as 0). */
  bytes: number;
  /** Files whose size the remote does not know. */
  sizeless: number;
}

export interface CountOptions extends CallOptions {
  /** Levels to descend (negative or undefined = all). */
  maxDepth?: number;
  /** Count only the files this filter includes (see `listTarget`). */
  filter?: Filter;
}

/**
 * Counts the files under the target (the file itself for a file target) and adds up their sizes.
 * Throws `DirNotFound` for a missing directory, `Usage` for a file target with an active filter.
 */
export async function countObjects(target: Target, options: CountOptions = {}): Promise<SizeResult> {
  const result: SizeResult = { count: 0, bytes: 0, sizeless: 0 };
  for await (const e of listTarget(target, { ...options, filesOnly: true })) {
    if (e.kind !== "file") continue;
    result.count++;
    if (e.size < 0) result.sizeless++;
    else result.bytes += e.size;
  }
  return result;
}
