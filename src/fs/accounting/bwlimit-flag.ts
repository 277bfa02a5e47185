/** Reading a --bwlimit value the way rclone does for a constant limit. */
import { FsError } from "../errors.js";
import { parseSize } from "../units.js";
import { TokenBucket } from "./bwlimit.js";

/** Buckets for bytes written (up) and read (down); one bucket for both when they share a limit. */
export interface BandwidthBuckets {
  write?: TokenBucket;
  read?: TokenBucket;
}

/**
 * Parses `RATE` (reads and writes together, as rclone's single value) or `UP:DOWN` (each on its
 * own; `off` for either leaves it unlimited). Sizes are rclone's (a bare number is KiB/s). rclone's
 * timetables are refused with `Usage`, as is anything else that does not parse.
 */
export function parseBwLimit(text: string): BandwidthBuckets {
  const parts = text.trim().split(":");
  if (parts.length > 2 || /[\s,]/.test(text.trim())) {
    throw new FsError("Usage", `bad bandwidth limit "${text}": a rate or UP:DOWN (timetables are not supported)`);
  }
  const bucket = (rate: string) => {
    const bytes = parseSize(rate);
    return bytes > 0 ? new TokenBucket(bytes) : undefined;
  };
  if (parts.length === 1) {
    const both = bucket(parts[0] as string);
    return { write: both, read: both };
  }
  return { write: bucket(parts[0] as string), read: bucket(parts[1] as string) };
}
