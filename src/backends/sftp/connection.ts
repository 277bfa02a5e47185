/**
 * One SSH connection with its SFTP session, and promise forms of the requests the backend makes.
 * The TCP socket is this module's own so that an idle connection does not keep the process alive.
 */
import { type Socket, connect as tcpConnect } from "node:net";
import type { Client, ClientChannel, FileEntry, SFTPWrapper, Stats } from "ssh2";
import { fromConnect } from "./errors.js";
import { hostKeyKnown } from "./known-hosts.js";

export interface ConnectOptions {
  host: string;
  port: number;
  username: string;
  password?: string;
  privateKey?: string | Buffer;
  passphrase?: string;
  /** The text of a known_hosts file; when given, a host key it does not list is refused. */
  knownHosts?: string;
  /** Limit for the TCP connect, ms (rclone's --contimeout); 0 for none. */
  timeoutMs: number;
  /** Limit for the SSH handshake, ms: rclone bounds it by --timeout, its i/o idle timeout; 0 for none. */
  handshakeMs: number;
}

/** What a remote command printed and how it exited. */
export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** statvfs@openssh.com's answer (sizes in units of `frsize`). */
export interface StatVfs {
  frsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
}

type Callback<T> = (err: Error | null | undefined, value?: T) => void;

/**
 * Opens a connection and its SFTP session.
 * Throws `Transient` when the server cannot be reached, `AuthFailed` (fatal) for a refused login or an
 * unknown host key, `ConfigInvalid` for an unreadable private key.
 */
export async function openConnection(o: ConnectOptions): Promise<Connection> {
  const where = `sftp://${o.username}@${o.host}:${o.port}`;
  const sock = await connectSocket(o.host, o.port, o.timeoutMs).catch((err) => {
    throw fromConnect(err, where);
  });
  // Imported here, not at the top: loading ssh2 costs every command a tenth of a second of start-up.
  const { Client: SshClient } = await import("ssh2");
  const client = new SshClient();
  let fail: (err: unknown) => void = () => {};
  const onError = (err: unknown) => fail(err);
  const onClose = () => fail(new Error("connection closed during the handshake"));
  client.on("error", onError);
  client.on("close", onClose);
  try {
    await new Promise<void>((resolve, reject) => {
      fail = reject;
      client.once("ready", resolve);
      client.connect({
        sock,
        host: o.host,
        port: o.port,
        username: o.username,
        password: o.password,
        privateKey: o.privateKey,
        passphrase: o.passphrase,
        readyTimeout: o.handshakeMs,
        hostVerifier:
          o.knownHosts === undefined
            ? undefined
            : (key: Buffer) => hostKeyKnown(o.knownHosts as string, o.host, o.port, key),
      });
    });
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
      fail = reject;
      client.sftp((err, s) => (err ? reject(err) : resolve(s)));
    });
    return new Connection(client, sftp, sock);
  } catch (err) {
    client.end();
    sock.destroy();
    throw fromConnect(err, where);
  } finally {
    // The connection's own listeners (or none, after a failure) take over; an error event with no
    // listener at all would crash the process.
    client.off("close", onClose);
    client.off("error", onError);
    client.on("error", () => {});
  }
}

function connectSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = tcpConnect({ host, port });
    // 0: no limit, as rclone's --contimeout 0.
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            sock.destroy();
            reject(Object.assign(new Error(`connect to ${host}:${port} timed out`), { code: "ETIMEDOUT" }));
          }, timeoutMs)
        : undefined;
    sock.once("connect", () => {
      clearTimeout(timer);
      sock.removeAllListeners("error");
      resolve(sock);
    });
    sock.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export class Connection {
  /** Set once the connection failed or closed; a dead connection is never used again. */
  dead = false;
  private users = 0;

  constructor(
    private readonly client: Client,
    readonly sftp: SFTPWrapper,
    private readonly sock: Socket,
  ) {
    // Errors after the handshake retire the connection and fail what is waiting on it: ssh2 does not
    // answer every request queued on a channel whose socket died.
    const die = () => this.die();
    client.on("error", die);
    client.on("close", die);
    sftp.on("close", die);
    sock.on("close", die);
    sock.unref();
  }

  /** Callbacks of requests sent and not answered yet. */
  private readonly pending = new Set<(err: Error) => void>();

  private die(): void {
    this.dead = true;
    const waiting = [...this.pending];
    this.pending.clear();
    for (const fail of waiting) fail(new Error("Not connected: the connection was lost"));
  }

  /** Marks the connection in use: while any user holds it, its socket keeps the process alive. */
  acquire(): void {
    if (this.users++ === 0) this.sock.ref();
  }

  release(): void {
    if (--this.users === 0) this.sock.unref();
  }

  close(): void {
    this.dead = true;
    this.client.end();
    this.sock.unref();
  }

  /** Runs one callback-style ssh2 request as a promise (a request on a closed session throws at once). */
  private call<T>(request: (cb: Callback<T>) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.dead) return reject(new Error("Not connected: the connection was lost"));
      const fail = (err: Error) => reject(err);
      this.pending.add(fail);
      try {
        request((err, value) => {
          this.pending.delete(fail);
          if (err) reject(err);
          else resolve(value as T);
        });
      } catch (err) {
        this.pending.delete(fail);
        reject(err);
      }
    });
  }

  stat(path: string): Promise<Stats> {
    return this.call((cb) => this.sftp.stat(path, cb));
  }

  readdir(path: string): Promise<FileEntry[]> {
    return this.call((cb) => this.sftp.readdir(path, cb));
  }

  realpath(path: string): Promise<string> {
    return this.call((cb) => this.sftp.realpath(path, cb));
  }

  open(path: string, flags: "r" | "wx"): Promise<Buffer> {
    return this.call((cb) => this.sftp.open(path, flags, cb));
  }

  closeHandle(handle: Buffer): Promise<void> {
    return this.call((cb) => this.sftp.close(handle, cb));
  }

  /** Reads up to `length` bytes at `position`; fewer at the end of the file, none past it. */
  read(handle: Buffer, length: number, position: number): Promise<Buffer> {
    const buf = Buffer.allocUnsafe(length);
    return this.call<Buffer>((cb) =>
      this.sftp.read(handle, buf, 0, length, position, (err, n) => cb(err, buf.subarray(0, n ?? 0))),
    );
  }

  write(handle: Buffer, data: Uint8Array, position: number): Promise<void> {
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return this.call((cb) => this.sftp.write(handle, buf, 0, buf.length, position, cb));
  }

  /** Sets access and modification time (SFTP v3 keeps whole seconds). */
  setTimes(path: string, time: Date): Promise<void> {
    const seconds = Math.floor(time.getTime() / 1000);
    return this.call((cb) => this.sftp.setstat(path, { atime: seconds, mtime: seconds }, cb));
  }

  mkdir(path: string): Promise<void> {
    return this.call((cb) => this.sftp.mkdir(path, cb));
  }

  rmdir(path: string): Promise<void> {
    return this.call((cb) => this.sftp.rmdir(path, cb));
  }

  unlink(path: string): Promise<void> {
    return this.call((cb) => this.sftp.unlink(path, cb));
  }

  /** True when the server has the OpenSSH extension `name` (e.g. "posix-rename@openssh.com"). */
  hasExtension(name: string): boolean {
    // ssh2 records the extensions from the server's VERSION packet here and checks the same table.
    const table = (this.sftp as unknown as { _extensions?: Record<string, string> })._extensions;
    return table?.[name] !== undefined;
  }

  /** Plain SFTP v3 rename: fails on OpenSSH when `to` exists. */
  rename(from: string, to: string): Promise<void> {
    return this.call((cb) => this.sftp.rename(from, to, cb));
  }

  /** posix-rename@openssh.com: replaces `to` atomically. */
  posixRename(from: string, to: string): Promise<void> {
    return this.call((cb) => this.sftp.ext_openssh_rename(from, to, cb));
  }

  async statvfs(path: string): Promise<StatVfs> {
    const s = await this.call<Record<string, number | bigint>>((cb) =>
      this.sftp.ext_openssh_statvfs(path, cb as Callback<unknown>),
    );
    const n = (key: string) => Number(s[key]);
    return { frsize: n("f_frsize"), blocks: n("f_blocks"), bfree: n("f_bfree"), bavail: n("f_bavail") };
  }

  /** Runs `command` through the remote shell with an empty stdin and collects its output. */
  exec(command: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (this.dead) return reject(new Error("Not connected: the connection was lost"));
      this.pending.add(reject);
      try {
        this.client.exec(command, (err, stream: ClientChannel) => {
          if (err) {
            this.pending.delete(reject);
            return reject(err);
          }
          const out: Buffer[] = [];
          const errs: Buffer[] = [];
          let code: number | null = null;
          stream.on("data", (d: Buffer) => out.push(d));
          stream.stderr.on("data", (d: Buffer) => errs.push(d));
          stream.on("exit", (c: number | null) => {
            code = c;
          });
          stream.on("error", reject);
          stream.on("close", () => {
            this.pending.delete(reject);
            resolve({
              code,
              stdout: Buffer.concat(out).toString("utf8"),
              stderr: Buffer.concat(errs).toString("utf8"),
            });
          });
          stream.end();
        });
      } catch (err) {
        this.pending.delete(reject);
        reject(err);
      }
    });
  }
}
