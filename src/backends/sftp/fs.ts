/**
 * The sftp backend over ssh2's SFTP client. Uploads go to a hidden temporary name in the target
 * directory and are renamed into place with posix-rename@openssh.com, so a killed upload never
 * leaves a partial file under the real name. Hashes come from `md5sum`/`sha1sum` run over the SSH
 * exec channel, as rclone does.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { posix } from "node:path";
import type { FileEntry, Stats } from "ssh2";
import { resolveRange, tapBody } from "../../fs/body.js";
import { FsError, notImplemented } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import { netTimeouts, socketTimeout } from "../../fs/net-timeouts.js";
import { joinRemote, parentOf } from "../../fs/path.js";
import type {
  Body,
  CallOptions,
  Directory,
  Entry,
  Fs,
  FsObject,
  ObjectInfo,
  OpenOptions,
  PutOptions,
  Usage,
} from "../../fs/types.js";
import { UploadHashes } from "../../fs/upload-hashes.js";
import { isPartialName, partialName } from "../partial.js";
import { type Connection, openConnection } from "./connection.js";
import { fromSftp, STATUS, statusOf } from "./errors.js";
import type { SftpOptions } from "./index.js";
import { Pool } from "./pool.js";
import { detectHashCommand, detectShell, remoteHash } from "./shell.js";
import { type PipelineOptions, readRange, writeBody } from "./transfer.js";

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const kindOf = (st: { mode: number }) =>
  (st.mode & S_IFMT) === S_IFDIR
    ? "dir"
    : (st.mode & S_IFMT) === S_IFREG
      ? "file"
      : (st.mode & S_IFMT) === S_IFLNK
        ? "link"
        : "other";
const mtimeOf = (st: { mtime: number }) => new Date(st.mtime * 1000);

/** `~/x` → the home directory's x, as rclone expands key paths. */
const expandHome = (p: string) => (p === "~" || p.startsWith("~/") ? homedir() + p.slice(1) : p);

function readConfigFile(path: string, option: string): string {
  try {
    return readFileSync(expandHome(path), "utf8");
  } catch (err) {
    throw new FsError("ConfigInvalid", `${option}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Connects (so bad credentials fail here, not at the first transfer), resolves the root to an
 * absolute path and finds out which hash commands the server runs.
 * Throws `AuthFailed` (fatal) for a refused login or unknown host key, `Transient` when the server
 * cannot be reached, `ConfigInvalid` for unreadable key or known_hosts files.
 */
export async function openSftpFs(name: string, root: string, options: SftpOptions): Promise<SftpFs> {
  const privateKey =
    options.key_pem !== ""
      ? options.key_pem.replaceAll("\\n", "\n")
      : options.key_file !== ""
        ? readConfigFile(options.key_file, "key_file")
        : undefined;
  const knownHosts =
    options.known_hosts_file !== "" ? readConfigFile(options.known_hosts_file, "known_hosts_file") : undefined;
  const connect = () =>
    openConnection({
      host: options.host,
      port: options.port,
      username: options.user,
      password: options.pass !== "" ? options.pass : undefined,
      privateKey,
      passphrase: options.key_file_pass !== "" ? options.key_file_pass : undefined,
      knownHosts,
      timeoutMs: socketTimeout(netTimeouts().connectMs),
      handshakeMs: socketTimeout(netTimeouts().idleMs),
    });
  const first = await connect();
  first.acquire();
  try {
    // Exec commands start in the login directory while SFTP may start elsewhere (a chroot, `-d`):
    // an absolute root means the same file to both.
    const absRoot = root.startsWith("/") ? root : joinAbs(await first.realpath("."), root);
    const hashCommands = new Map<HashType, string>();
    const shell = options.disable_hashcheck
      ? "none"
      : options.shell_type !== ""
        ? options.shell_type
        : await detectShell(first);
    if (shell !== "none") {
      for (const type of ["md5", "sha1"] as const) {
        const configured = type === "md5" ? options.md5sum_command : options.sha1sum_command;
        if (configured === "none") continue;
        const command = configured !== "" ? configured : await detectHashCommand(first, type);
        if (command) hashCommands.set(type, command);
      }
    }
    const pool = new Pool(connect, { max: options.connections, idleMs: options.idle_timeout });
    const fs = new SftpFs(name, root, absRoot, options, pool, hashCommands, {
      posixRename: first.hasExtension("posix-rename@openssh.com"),
      // rclone serve sftp lists the extension but answers OP_UNSUPPORTED, so it is tried once.
      statvfs:
        first.hasExtension("statvfs@openssh.com") &&
        (await first.statvfs(".").then(
          () => true,
          () => false,
        )),
    });
    first.release();
    pool.adopt(first);
    return fs;
  } catch (err) {
    first.close();
    throw fromSftp(err, root, "dir");
  }
}

/** `root` (a path relative to `base`, or "") made absolute. */
function joinAbs(base: string, rel: string): string {
  if (rel === "") return base;
  return base.endsWith("/") ? base + rel : `${base}/${rel}`;
}

export class SftpFs implements Fs {
  readonly hashes: ReadonlySet<HashType>;
  // SFTP v3 carries times as whole seconds.
  readonly precision = 1_000_000_000;
  readonly features;

  constructor(
    readonly name: string,
    readonly root: string,
    /** The root as an absolute path on the server. */
    readonly absRoot: string,
    private readonly options: SftpOptions,
    readonly pool: Pool,
    private readonly hashCommands: ReadonlyMap<HashType, string>,
    private readonly server: { posixRename: boolean; statvfs: boolean },
  ) {
    this.hashes = new Set(hashCommands.keys());
    // Hashing runs md5sum on the server, which reads the whole file (rclone's sftp says so too).
    this.features = fillFeatures(
      {
        move: this.move.bind(this),
        dirMove: this.dirMove.bind(this),
        putStream: this.putStream.bind(this),
        cleanUp: this.cleanUp.bind(this),
        ...(server.statvfs ? { about: this.about.bind(this) } : {}),
      },
      { slowHash: true },
    );
  }

  toString(): string {
    return `sftp://${this.options.user}@${this.options.host}:${this.options.port}/${this.root}`;
  }

  /** Ends the pooled SSH connections (those in use end when their call is done). */
  async close(): Promise<void> {
    this.pool.close();
  }

  /** The absolute server path of a remote. */
  path(remote: string): string {
    return joinAbs(this.absRoot, remote);
  }

  /** Same server and login: a path of `other` can be renamed by our connections. */
  sameServer(other: Fs): other is SftpFs {
    return (
      other instanceof SftpFs &&
      other.options.host === this.options.host &&
      other.options.port === this.options.port &&
      other.options.user === this.options.user
    );
  }

  /** Runs `fn` on a pooled connection, mapping its errors for `remote`. */
  async run<T>(
    remote: string,
    what: "file" | "dir",
    fn: (conn: Connection) => Promise<T>,
    options?: CallOptions,
    idempotent = true,
  ): Promise<T> {
    try {
      return await this.pool.use(fn, idempotent, options?.signal);
    } catch (err) {
      throw fromSftp(err, remote, what);
    }
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    return this.run(
      dir,
      "dir",
      async (conn) => {
        let items: FileEntry[];
        try {
          items = await conn.readdir(this.path(dir));
        } catch (err) {
          // Some servers answer FAILURE for a path that is a file.
          if (statusOf(err) === STATUS.FAILURE && (await this.kindAt(conn, this.path(dir))) !== "dir")
            throw new FsError("DirNotFound", "directory not found", { path: dir });
          throw err;
        }
        const entries: Entry[] = [];
        for (const item of items) {
          if (isPartialName(item.filename)) continue;
          const entry = await this.entry(conn, joinRemote(dir, item.filename), item.attrs as unknown as Stats);
          if (entry) entries.push(entry);
        }
        return entries;
      },
      options,
    );
  }

  /** One listed name as an entry; links are followed unless `skip_links`, other special files skipped. */
  private async entry(conn: Connection, remote: string, attrs: Stats): Promise<Entry | undefined> {
    let st = attrs;
    if (kindOf(st) === "link") {
      if (this.options.skip_links) return undefined;
      const target = await conn.stat(this.path(remote)).catch((err) => {
        if (statusOf(err) === STATUS.NO_SUCH_FILE) return undefined;
        throw err;
      });
      if (!target) {
        log.notice(remote, "Can't follow dangling symlink");
        return undefined;
      }
      st = target;
    }
    const kind = kindOf(st);
    if (kind === "dir") return { kind: "dir", remote, modTime: mtimeOf(st) } satisfies Directory;
    if (kind === "file") return new SftpObject(this, remote, st.size, mtimeOf(st));
    if (!this.options.skip_links) log.notice(remote, "Can't transfer non file/directory");
    return undefined;
  }

  /** "dir", "file", "other", or undefined when nothing is at `path`. */
  private async kindAt(conn: Connection, path: string): Promise<string | undefined> {
    try {
      return kindOf(await conn.stat(path));
    } catch (err) {
      if (statusOf(err) === STATUS.NO_SUCH_FILE) return undefined;
      throw err;
    }
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const st = await this.run(remote, "file", (conn) => conn.stat(this.path(remote)), options);
    const kind = kindOf(st);
    if (kind === "dir") throw new FsError("IsDir", "is a directory", { path: remote });
    if (kind !== "file") throw new FsError("ObjectNotFound", "not a regular file", { path: remote });
    return new SftpObject(this, remote, st.size, mtimeOf(st));
  }

  /**
   * Writes `body` under a temporary name next to `src.remote`, sets its modtime, then renames it
   * over the destination. A failed or aborted upload removes its temporary file where it still can;
   * one cut off by a dead server leaves it for `cleanUp`. Throws `Corrupt` for a size mismatch,
   * `IsDir` when a directory holds the name, `Transient` when the connection is lost.
   */
  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const remote = src.remote;
    const parent = parentOf(remote);
    const tmp = this.path(joinRemote(parent, partialName()));
    const modTime = new Date(Math.floor(src.modTime.getTime() / 1000) * 1000);
    // Hashes asked for are computed from the bytes as they are sent: reading them back would cost a
    // remote command and a full read. One the caller computes in flight is taken from it.
    const hashes = new UploadHashes(
      (options?.hashes ?? []).filter((t) => this.hashes.has(t)),
      src,
    );
    const data = hashes.computing ? tapBody(body, (part) => hashes.update(part)) : body;
    try {
      // The body can be read once only: a connection lost mid-way is not retried here.
      const o = await this.run(
        remote,
        "file",
        async (conn) => {
          const handle = await this.createTemp(conn, parent, tmp);
          let size = 0;
          try {
            try {
              size = await writeBody(conn, handle, data, this.pipeline("write", options?.signal));
            } finally {
              await conn.closeHandle(handle).catch(() => undefined);
            }
            if (src.size >= 0 && size !== src.size)
              throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${size}`, { path: remote });
            if (this.options.set_modtime) await conn.setTimes(tmp, modTime);
            await this.rename(conn, tmp, remote);
          } catch (err) {
            if (!conn.dead) await conn.unlink(tmp).catch(() => undefined);
            throw err;
          }
          const mtime = this.options.set_modtime ? modTime : mtimeOf(await conn.stat(this.path(remote)));
          return new SftpObject(this, remote, size, mtime);
        },
        options,
        false,
      );
      for (const [t, digest] of await hashes.digests(options)) o.hashes.set(t, digest);
      return o;
    } finally {
      // A worker hasher goes back to its pool only once its digest is taken.
      await hashes.release();
    }
  }

  /**
   * Opens a new temporary file for writing, making its directory first when it is missing (tried
   * after the open, so writing into an existing directory costs no extra round trip).
   */
  private async createTemp(conn: Connection, dir: string, tmp: string): Promise<Buffer> {
    try {
      return await conn.open(tmp, "wx");
    } catch (err) {
      if (statusOf(err) !== STATUS.NO_SUCH_FILE) throw err;
    }
    await this.ensureDir(conn, dir);
    return conn.open(tmp, "wx");
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /** How one file's data moves: `write` for uploads, `read` for downloads. */
  pipeline(kind: "read" | "write", signal?: AbortSignal): PipelineOptions {
    const serial = kind === "read" ? this.options.disable_concurrent_reads : this.options.disable_concurrent_writes;
    return { chunkSize: this.options.chunk_size, concurrency: serial ? 1 : this.options.concurrency, signal };
  }

  /**
   * Renames `from` (an absolute path) onto `remote`, replacing a file there. Without
   * posix-rename@openssh.com the destination is removed first, as rclone does, which is not atomic.
   */
  private async rename(conn: Connection, from: string, remote: string): Promise<void> {
    const to = this.path(remote);
    try {
      if (this.server.posixRename) await conn.posixRename(from, to);
      else {
        await conn.unlink(to).catch(() => undefined);
        await conn.rename(from, to);
      }
    } catch (err) {
      if (statusOf(err) === STATUS.FAILURE && (await this.kindAt(conn, to)) === "dir")
        throw new FsError("IsDir", "is a directory", { path: remote });
      throw err;
    }
  }

  /**
   * mkdir -p over SFTP, the root's own missing parents included. Throws `IsFile` (naming `dir`) when
   * a file stands where a directory should be.
   */
  private async ensureDir(conn: Connection, dir: string): Promise<void> {
    await this.makeDirs(conn, this.path(dir), dir);
  }

  private async makeDirs(conn: Connection, path: string, dir: string): Promise<void> {
    try {
      await conn.mkdir(path);
      return;
    } catch (err) {
      const status = statusOf(err);
      const parent = posix.dirname(path);
      if (status === STATUS.NO_SUCH_FILE && parent !== path) {
        await this.makeDirs(conn, parent, dir);
        return this.makeDirs(conn, path, dir);
      }
      if (status !== STATUS.FAILURE && status !== STATUS.NO_SUCH_FILE) throw err;
    }
    // mkdir fails the same way for an existing directory and for an existing file.
    const kind = await this.kindAt(conn, path);
    if (kind === "dir") return;
    if (kind !== undefined) throw new FsError("IsFile", "is a file, not a directory", { path: dir });
    throw new FsError("DirNotFound", "cannot create directory", { path: dir });
  }

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    await this.run(dir, "dir", (conn) => this.ensureDir(conn, dir), options);
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    await this.run(
      dir,
      "dir",
      async (conn) => {
        try {
          await conn.rmdir(this.path(dir));
        } catch (err) {
          // OpenSSH answers FAILURE both for a non-empty directory and for a file.
          if (statusOf(err) !== STATUS.FAILURE) throw err;
          const kind = await this.kindAt(conn, this.path(dir));
          if (kind === undefined) throw new FsError("DirNotFound", "directory not found", { path: dir });
          if (kind !== "dir") throw new FsError("IsFile", "is a file, not a directory", { path: dir });
          throw new FsError("DirNotEmpty", "directory not empty", { path: dir, cause: err });
        }
      },
      options,
    );
  }

  /** Server-side move by rename, for files of a remote on the same server and login; else `CantMove`. */
  async move(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    if (!(src instanceof SftpObject) || !this.sameServer(src.fs))
      throw new FsError("CantMove", "source is not on the same sftp server", { path: src.remote });
    const from = src.fs.path(src.remote);
    await this.run(
      remote,
      "file",
      async (conn) => {
        await this.ensureDir(conn, parentOf(remote));
        await this.rename(conn, from, remote);
      },
      options,
      false,
    );
    const moved = new SftpObject(this, remote, src.size, src.modTime);
    for (const [t, h] of src.hashes) moved.hashes.set(t, h);
    return moved;
  }

  /**
   * Renames directory `srcRemote` of `src` (same server and login, else `CantDirMove`) to `dstRemote`.
   * Throws `AlreadyExists` when the destination exists.
   */
  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    if (!this.sameServer(src)) throw new FsError("CantDirMove", "source is not on the same sftp server");
    await this.run(
      dstRemote,
      "dir",
      async (conn) => {
        if ((await this.kindAt(conn, this.path(dstRemote))) !== undefined)
          throw new FsError("AlreadyExists", "destination exists", { path: dstRemote });
        await this.ensureDir(conn, parentOf(dstRemote));
        try {
          await conn.rename(src.path(srcRemote), this.path(dstRemote));
        } catch (err) {
          throw fromSftp(err, srcRemote, "dir");
        }
      },
      options,
      false,
    );
  }

  /** Sizes from statvfs@openssh.com (declared only when the server has it). */
  async about(options?: CallOptions): Promise<Usage> {
    const s = await this.run("", "dir", (conn) => conn.statvfs(this.absRoot), options);
    return { total: s.frsize * s.blocks, used: s.frsize * (s.blocks - s.bfree), free: s.frsize * s.bavail };
  }

  /** Removes temporary files left by uploads that were cut off. */
  async cleanUp(options?: CallOptions): Promise<void> {
    await this.run(
      "",
      "dir",
      async (conn) => {
        const walk = async (dir: string): Promise<void> => {
          const items = await conn.readdir(this.path(dir)).catch((err) => {
            if (statusOf(err) === STATUS.NO_SUCH_FILE) return [];
            throw err;
          });
          for (const item of items) {
            const remote = joinRemote(dir, item.filename);
            const kind = kindOf(item.attrs as unknown as Stats);
            if (kind === "dir") await walk(remote);
            else if (isPartialName(item.filename)) {
              await conn.unlink(this.path(remote));
              log.info(remote, "removed leftover partial upload");
            }
          }
        };
        await walk("");
      },
      options,
    );
  }

  /** The hash command for `type`, or `NotImplemented`. */
  hashCommand(type: HashType, remote: string): string {
    const command = this.hashCommands.get(type);
    if (!command) throw notImplemented(`hash ${type}`, remote);
    return command;
  }
}

class SftpObject implements FsObject {
  readonly kind = "file";
  /** Hashes computed while this object was written; valid until it is changed. */
  readonly hashes = new Map<HashType, string>();

  constructor(
    readonly fs: SftpFs,
    readonly remote: string,
    readonly size: number,
    public modTime: Date,
  ) {}

  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    const fs = this.fs;
    const path = fs.path(this.remote);
    // The connection stays with the body until it is read to the end or abandoned.
    const { conn, value: handle } = await fs.pool
      .hold((c) => c.open(path, "r"), true, options?.signal)
      .catch((err) => {
        throw fromSftp(err, this.remote, "file");
      });
    const done = async () => {
      await conn.closeHandle(handle).catch(() => undefined);
      fs.pool.release(conn);
    };
    const remote = this.remote;
    return (async function* () {
      try {
        yield* readRange(conn, handle, start, end, fs.pipeline("read", options?.signal), done);
      } catch (err) {
        throw fromSftp(err, remote, "file");
      }
    })();
  }

  async remove(options?: CallOptions): Promise<void> {
    await this.fs.run(this.remote, "file", (conn) => conn.unlink(this.fs.path(this.remote)), options);
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    await this.fs.run(this.remote, "file", (conn) => conn.setTimes(this.fs.path(this.remote), modTime), options);
    this.modTime = new Date(Math.floor(modTime.getTime() / 1000) * 1000);
  }

  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    const command = this.fs.hashCommand(type, this.remote);
    const known = this.hashes.get(type);
    if (known !== undefined) return known;
    return this.fs.run(
      this.remote,
      "file",
      (conn) => remoteHash(conn, command, type, this.fs.path(this.remote), this.remote),
      options,
    );
  }
}
