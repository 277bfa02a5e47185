/**
 * rclone's VFS flags (`--vfs-cache-mode`, `--cache-dir`, `--dir-cache-time`, …), for every command
 * that serves a remote through the VFS, and their translation into `VfsOptions`.
 */
import { userInfo } from "node:os";
import type { Argv } from "yargs";
import { FsError } from "../fs/errors.js";
import { parseDuration, parseSize } from "../fs/units.js";
import { defaultVfsOptions } from "../vfs/options.js";
import type { CacheMode, VfsOptions } from "../vfs/types.js";

export interface VfsArgs {
  "vfs-cache-mode": CacheMode;
  "cache-dir": string;
  "dir-cache-time": string;
  "vfs-cache-max-size": string;
  "vfs-cache-max-age": string;
  "vfs-write-back": string;
  "vfs-read-ahead": string;
  "buffer-size": string;
  "read-only": boolean;
  uid: number;
  gid: number;
  umask: string;
}

/** The VFS flags with rclone 1.60's defaults and words. */
export function withVfsFlags<T>(y: Argv<T>): Argv<T & VfsArgs> {
  const me = userInfo();
  return y
    .option("vfs-cache-mode", {
      type: "string",
      choices: ["off", "minimal", "writes", "full"],
      default: "off",
      description: "Cache mode off|minimal|writes|full",
    })
    .option("cache-dir", {
      type: "string",
      default: defaultVfsOptions.cacheDir,
      description: "Directory strata will use for caching",
    })
    .option("dir-cache-time", { type: "string", default: "5m0s", description: "Time to cache directory entries for" })
    .option("vfs-cache-max-size", {
      type: "string",
      default: "off",
      description: "Max total size of objects in the cache",
    })
    .option("vfs-cache-max-age", { type: "string", default: "1h0m0s", description: "Max age of objects in the cache" })
    .option("vfs-write-back", {
      type: "string",
      default: "5s",
      description: "Time to writeback files after last use when using cache",
    })
    .option("vfs-read-ahead", {
      type: "string",
      default: "0",
      description: "Extra read ahead over --buffer-size when using cache-mode full",
    })
    .option("buffer-size", { type: "string", default: "16Mi", description: "In memory buffer size when reading files" })
    .option("read-only", { type: "boolean", default: false, description: "Only allow read-only access" })
    .option("uid", { type: "number", default: me.uid, description: "Override the uid field set by the filesystem" })
    .option("gid", { type: "number", default: me.gid, description: "Override the gid field set by the filesystem" })
    .option("umask", {
      type: "string",
      default: "18",
      description: "Override the permission bits set by the filesystem",
    }) as unknown as Argv<T & VfsArgs>;
}

/** An integer as Go's strconv.ParseInt with base 0 reads it: `022` and `0o22` octal, `0x12` hex. */
function parseGoInt(text: string, flag: string): number {
  const s = text.trim();
  const n = /^0[0-7]+$/.test(s) ? Number.parseInt(s, 8) : Number(s);
  if (!Number.isInteger(n) || n < 0) throw new FsError("Usage", `invalid argument "${text}" for "--${flag}" flag`);
  return n;
}

/** The VFS options the flags ask for. Throws `Usage` for a value that does not parse. */
export function vfsOptionsOf(argv: VfsArgs): VfsOptions {
  const maxSize = parseSize(argv["vfs-cache-max-size"]);
  const extraReadAhead = parseSize(argv["vfs-read-ahead"]);
  return {
    cacheMode: argv["vfs-cache-mode"],
    cacheDir: argv["cache-dir"],
    dirCacheTime: parseDuration(argv["dir-cache-time"]),
    cacheMaxSize: maxSize < 0 ? Number.POSITIVE_INFINITY : maxSize,
    cacheMaxAge: parseDuration(argv["vfs-cache-max-age"]),
    writeBack: parseDuration(argv["vfs-write-back"]),
    readAhead: Math.max(0, parseSize(argv["buffer-size"])) + Math.max(0, extraReadAhead),
    readOnly: argv["read-only"],
    uid: argv.uid,
    gid: argv.gid,
    umask: parseGoInt(argv.umask, "umask"),
  };
}
