/** The VFS options and rclone's defaults for them. */
import { homedir } from "node:os";
import { join } from "node:path";
import { FsError } from "../fs/errors.js";
import type { CacheMode, VfsOptions } from "./types.js";

/** Options with every optional one filled in. */
export type ResolvedVfsOptions = Required<VfsOptions>;

const CACHE_MODES: readonly CacheMode[] = ["off", "minimal", "writes", "full"];

/**
 * rclone 1.60's defaults: no cache, 5 min directory cache, 1 h cache age, no size limit, 5 s write-back,
 * a 16 MiB read buffer (`--buffer-size`), umask 022, the current user.
 */
export const defaultVfsOptions: ResolvedVfsOptions = {
  cacheMode: "off",
  cacheDir: join(homedir(), ".cache", "strata"),
  dirCacheTime: 5 * 60_000,
  cacheMaxSize: Number.POSITIVE_INFINITY,
  cacheMaxAge: 60 * 60_000,
  writeBack: 5_000,
  readAhead: 16 << 20,
  readOnly: false,
  uid: process.getuid?.() ?? 0,
  gid: process.getgid?.() ?? 0,
  umask: 0o022,
  uploadRetryDelay: 1_000,
  transfers: 4,
};

const NUMBERS = [
  "dirCacheTime",
  "cacheMaxSize",
  "cacheMaxAge",
  "writeBack",
  "readAhead",
  "uploadRetryDelay",
  "transfers",
] as const;

/** `options` over the defaults. Throws `Usage` for an unknown cache mode or a negative number. */
export function resolveVfsOptions(options: Partial<VfsOptions>): ResolvedVfsOptions {
  const out = { ...defaultVfsOptions, ...options };
  if (!CACHE_MODES.includes(out.cacheMode)) {
    throw new FsError("Usage", `unknown cache mode "${out.cacheMode}" (want ${CACHE_MODES.join(", ")})`);
  }
  for (const key of NUMBERS) {
    if (!(out[key] >= 0)) throw new FsError("Usage", `vfs option ${key} must be a number >= 0, not ${out[key]}`);
  }
  return out;
}
