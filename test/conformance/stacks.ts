/**
 * Every stack the conformance suite (and the sync and check tests) run over, once each.
 * A row's `make` returns a fresh, empty Fs on every call; `options` holds what the suite must know
 * about the row (names it cannot hold, name length), so adding a stack is adding one row here.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteValue } from "../../src/fs/fspath.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { PathGuardFs } from "../../src/fs/layers/path-guard.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { planErasure } from "../../src/overlays/erasure/options.js";
import { reedSolomon } from "../../src/overlays/erasure/rs/index.js";
import { sharedS3Remote } from "../s3/remote.js";
import { sharedServer } from "../servers/shared.js";
import { sharedSftpRemote } from "../sftp/remote.js";
import { randomRoot, webdavRemote } from "../webdav/remote.js";
import type { FsSuiteOptions } from "./suite.js";

export interface Stack {
  label: string;
  /** A fresh, empty Fs (a new random root each call). */
  make: () => Promise<Fs>;
  options?: FsSuiteOptions;
}

const tempDirs: string[] = [];

/** A new empty directory on local disk, removed by `removeStackTemps`. */
export function tempDir(prefix = "strata-conf-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories local rows created; call from `afterAll`. */
export function removeStackTemps(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const randomName = () => randomBytes(6).toString("hex");

/** "hunter2", obscured as the crypt rows' config must hold it. */
const CRYPT_PASSWORD = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";
/** An erasure remote over `remotes` (k data shards, the rest parity) with 1000-byte segments. */
const erasure = (remotes: string[], k: number, extra = "") =>
  `:erasure,remotes=${quoteValue(remotes.map((r) => `'${r.replaceAll("'", "''")}'`).join(" "))},data_shards=${k},parity_shards=${remotes.length - k},segment_size=1000b${extra}:`;
const memories = (n: number) => Array.from({ length: n }, () => `:memory:conf-${randomName()}`);

/**
 * erasure(k + m) over `count` memory remotes (more than k + m make a pool), those at `dead` gone
 * (every call fails): reads and writes work from the ones left.
 */
async function erasureWithDeadRemotes(count: number, k: number, m: number, dead: number[]): Promise<Fs> {
  const ctx = createContext();
  const upstreams = await Promise.all(memories(count).map((r) => newFs(r, ctx)));
  for (const i of dead) {
    const gone = new FaultFs(upstreams[i] as Fs);
    gone.vanish();
    upstreams[i] = gone;
  }
  const plan = planErasure({
    remotes: upstreams.map((_, i) => `r${i}`).join(" "),
    data_shards: k,
    parity_shards: m,
    happy: k,
    optimal: 0,
    download_extra: 0,
    segment_size: 1000,
    groups: "",
    redundant_groups: 0,
    redundant_nodes: 0,
  });
  // newFs puts a path guard on every remote; this one is built by hand.
  return new PathGuardFs(new ErasureFs(":erasure", "", upstreams, plan, await reedSolomon(k, m)));
}

/** Operations the rows below switch off (rclone's --disable spelling). */
const NO_SERVER_OPS = "Copy,Move,PutStream,Purge";

const crypt = (remote: string, extra = "") => `:crypt,remote=${quoteValue(remote)},password=${CRYPT_PASSWORD}${extra}:`;
/**
 * crypt refuses names it would refuse to list back (control characters, undecodable bytes), so a
 * name written with another key can never smuggle them in.
 */
const CRYPT_REFUSED: FsSuiteOptions["unsupportedNames"] = [
  "control-chars",
  "leading-cr",
  "trailing-cr",
  "leading-lf",
  "trailing-lf",
  "leading-ht",
  "trailing-ht",
  "leading-vt",
  "trailing-vt",
  "invalid-utf8",
];

export const stacks: Stack[] = [
  {
    label: "memory",
    // A fresh context each time so the instance cache never hands back an Fs from another group.
    make: () => newFs(`:memory:conf-${randomName()}`, createContext()),
  },
  {
    label: "local",
    make: () => newFs(tempDir(), createContext()),
  },
  {
    label: "alias(local)",
    make: () => newFs(`:alias,remote=${quoteValue(tempDir())}:`, createContext()),
  },
  {
    label: "chunker(memory)",
    make: () =>
      newFs(`:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b:`, createContext()),
  },
  {
    label: "chunker(local)",
    make: () => newFs(`:chunker,remote=${quoteValue(tempDir())},chunk_size=1000b:`, createContext()),
    // Every file is first written under a temporary chunk name, 24 bytes longer than its own (rclone's
    // documented limit: base names of at most 231 bytes on a 255-byte file system).
    options: { maxNameBytes: 231 },
  },
  {
    label: "chunker(local, *.part##, start_from 0, sha1)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(tempDir())},chunk_size=1000b,name_format=*.part##,start_from=0,hash_type=sha1:`,
        createContext(),
      ),
    // ".part00_" + a 6-character txn: 14 bytes.
    options: { maxNameBytes: 241 },
  },
  {
    label: "chunker(memory, meta_format none)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,meta_format=none,hash_type=none:`,
        createContext(),
      ),
    // Every file is stored as chunks, and rclone's chunk-name regex (Go's "." stops at "\n") does not
    // match a name with a line feed: rclone 1.60 lists such a file under its chunk name.
    options: { unsupportedNames: ["control-chars", "leading-lf", "trailing-lf"] },
  },
  {
    label: "chunker(memory, md5all)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=md5all:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, sha1all)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=sha1all:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, md5quick)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=md5quick:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, transactions norename)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,transactions=norename:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, transactions auto)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,transactions=auto:`,
        createContext(),
      ),
  },
  {
    label: "crypt(memory)",
    make: () => newFs(crypt(`:memory:conf-${randomName()}`), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "crypt(local)",
    make: () => newFs(crypt(tempDir()), createContext()),
    // base32 of EME blocks: a 255-byte stored name holds at most 143 plaintext bytes.
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 143 },
  },
  {
    label: "crypt(memory, obfuscate)",
    make: () => newFs(crypt(`:memory:conf-${randomName()}`, ",filename_encryption=obfuscate"), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "crypt(local, off)",
    make: () => newFs(crypt(tempDir(), ",filename_encryption=off"), createContext()),
    // ".bin" is appended to every file name.
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 251 },
  },
  {
    label: "crypt(chunker(memory))",
    make: () =>
      newFs(crypt(`:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b:`), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "chunker(crypt(memory))",
    make: () =>
      newFs(`:chunker,remote=${quoteValue(crypt(`:memory:conf-${randomName()}`))},chunk_size=1000b:`, createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "crypt(memory, off)",
    make: () => newFs(crypt(`:memory:conf-${randomName()}`, ",filename_encryption=off"), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "crypt(local, obfuscate)",
    make: () => newFs(crypt(tempDir(), ",filename_encryption=obfuscate"), createContext()),
    // Obfuscation puts the rotation, a number of up to 3 digits, and a "." before each name.
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 251 },
  },
  ...["obfuscate", "off"].flatMap((mode) => [
    {
      label: `crypt(chunker(memory), ${mode})`,
      make: () =>
        newFs(
          crypt(
            `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b:`,
            `,filename_encryption=${mode}`,
          ),
          createContext(),
        ),
      options: { unsupportedNames: CRYPT_REFUSED },
    },
    {
      label: `chunker(crypt(memory), ${mode})`,
      make: () =>
        newFs(
          `:chunker,remote=${quoteValue(crypt(`:memory:conf-${randomName()}`, `,filename_encryption=${mode}`))},chunk_size=1000b:`,
          createContext(),
        ),
      options: { unsupportedNames: CRYPT_REFUSED },
    },
  ]),
  {
    label: "compress(memory)",
    make: () => newFs(`:compress,remote=${quoteValue(`:memory:conf-${randomName()}`)}:`, createContext()),
    // Data names add ".<size in 11 base64 characters>.gz" to the file's name.
    options: { maxNameBytes: 240 },
  },
  {
    label: "compress(local)",
    make: () => newFs(`:compress,remote=${quoteValue(tempDir())}:`, createContext()),
    options: { maxNameBytes: 240 },
  },
  {
    label: "compress(chunker(memory))",
    make: () =>
      newFs(
        `:compress,remote=${quoteValue(`:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b:`)}:`,
        createContext(),
      ),
    options: { maxNameBytes: 240 },
  },
  {
    label: "compress(local, zstd)",
    make: () => newFs(`:compress,remote=${quoteValue(tempDir())},mode=zstd:`, createContext()),
    // ".<size>.zst": one byte more than gzip's extension.
    options: { maxNameBytes: 239 },
  },
  {
    label: "crypt(compress(local))",
    // Compression before encryption: encrypted bytes would not compress.
    make: () => newFs(crypt(`:compress,remote=${quoteValue(tempDir())}:`), createContext()),
    // The encrypted names (231 characters for 143 bytes) plus compress's 15-byte suffix still fit 255.
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 143 },
  },
  // Wrapped remotes without the operations overlays use when they can, so their fallbacks run: a
  // rename by copy + delete, a stream spilled to learn its size, moves streamed by operations.
  {
    label: "crypt(memory without copy, move, putStream, purge)",
    make: () => newFs(crypt(`:memory,disable=${quoteValue(NO_SERVER_OPS)}:conf-${randomName()}`), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "chunker(memory without move, putStream, purge)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory,disable="Move,PutStream,Purge":conf-${randomName()}`)},chunk_size=1000b:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory without copy, putStream, purge)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory,disable="Copy,PutStream,Purge":conf-${randomName()}`)},chunk_size=1000b:`,
        createContext(),
      ),
  },
  {
    label: "compress(local without copy, move, putStream, purge)",
    make: () =>
      newFs(
        `:compress,remote=${quoteValue(`:local,disable=${quoteValue(NO_SERVER_OPS)}:${tempDir()}`)}:`,
        createContext(),
      ),
    options: { maxNameBytes: 240 },
  },
  {
    label: "compress(memory) with its own copy, move, putStream, purge disabled",
    make: () =>
      newFs(
        `:compress,remote=${quoteValue(`:memory:conf-${randomName()}`)},disable=${quoteValue(NO_SERVER_OPS)}:`,
        createContext(),
      ),
    options: { maxNameBytes: 240 },
  },
  {
    label: "erasure(6 × memory, 4+2)",
    make: () => newFs(erasure(memories(6), 4), createContext()),
  },
  {
    // Shards are renamed into place by streaming, and the erasure remote offers none of the four.
    label: "erasure(4 × memory without copy, move, putStream, purge, 2+2)",
    make: () =>
      newFs(
        erasure(
          Array.from({ length: 4 }, () => `:memory,disable=${quoteValue(NO_SERVER_OPS)}:conf-${randomName()}`),
          2,
        ),
        createContext(),
      ),
  },
  {
    label: "erasure(5 × memory, 3+2, 2 dead)",
    make: () => erasureWithDeadRemotes(5, 3, 2, [1, 3]),
  },
  {
    // A pool: each file's 5 shards go to 5 of the 7, never to the 2 that are gone.
    label: "erasure pool(7 × memory, 3+2, 2 dead)",
    make: () => erasureWithDeadRemotes(7, 3, 2, [1, 4]),
  },
  {
    label: "erasure(6 × local, 4+2)",
    make: () =>
      newFs(
        erasure(
          [1, 2, 3, 4, 5, 6].map(() => tempDir()),
          4,
        ),
        createContext(),
      ),
    // A shard's temporary name adds ".<size>.<12-hex version>.s<index>.tmp" to the file's name.
    options: { maxNameBytes: 220 },
  },
  {
    label: "erasure(6 × crypt(memory), 4+2)",
    make: () =>
      newFs(
        erasure(
          memories(6).map((r) => crypt(r)),
          4,
        ),
        createContext(),
      ),
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 200 },
  },
  {
    label: "crypt(erasure(6 × memory, 4+2))",
    make: () => newFs(crypt(erasure(memories(6), 4)), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  {
    label: "chunker(erasure(6 × memory, 4+2))",
    make: () => newFs(`:chunker,remote=${quoteValue(erasure(memories(6), 4))},chunk_size=1000b:`, createContext()),
  },
  {
    label: "compress(erasure(6 × memory, 4+2))",
    make: () => newFs(`:compress,remote=${quoteValue(erasure(memories(6), 4))}:`, createContext()),
    options: { maxNameBytes: 240 },
  },
  {
    label: "s3",
    make: async () => newFs(await sharedS3Remote(), createContext()),
    // S3 keys are UTF-8, so bytes that are not cannot be stored as written.
    options: { unsupportedNames: ["invalid-utf8"] },
  },
  {
    label: "crypt(chunker(s3))",
    // 64 KiB chunks: the suite's 5 MiB file in 1000-byte chunks would cost ~16,000 requests.
    make: async () =>
      newFs(crypt(`:chunker,remote=${quoteValue(await sharedS3Remote())},chunk_size=64k:`), createContext()),
    options: { unsupportedNames: CRYPT_REFUSED },
  },
  // s3 rows
  {
    label: "sftp",
    make: async () => newFs(await sharedSftpRemote(), createContext()),
    // ssh2 decodes listed names as UTF-8, so bytes that are not UTF-8 cannot come back as written.
    options: { unsupportedNames: ["invalid-utf8"] },
  },
  {
    label: "chunker(crypt(sftp))",
    make: async () =>
      newFs(`:chunker,remote=${quoteValue(crypt(await sharedSftpRemote()))},chunk_size=1000b:`, createContext()),
    options: { unsupportedNames: CRYPT_REFUSED, maxNameBytes: 119 },
  },
  {
    label: "sftp (rclone serve sftp)",
    make: async () => newFs(await sharedSftpRemote("rcloneSftp"), createContext()),
    options: {
      unsupportedNames: ["invalid-utf8"],
      // Its VFS can keep a stale entry for a name replaced by two renames at once, after which every
      // rename onto that name fails with "no such file" although both files are there.
      noConcurrentReplace: "rclone serve sftp 1.60's VFS breaks under concurrent renames onto one name",
    },
  },
  // sftp rows
  {
    label: "webdav (apache)",
    make: async () => newFs(webdavRemote(await sharedServer("apache"), randomRoot()), createContext()),
  },
  {
    // rclone 1.60 ignores X-OC-Mtime (newer rclone keeps it), so it is served as vendor other.
    label: "webdav (rclone serve)",
    make: async () => newFs(webdavRemote(await sharedServer("rcloneWebdav"), randomRoot()), createContext()),
  },
  // webdav rows
];
