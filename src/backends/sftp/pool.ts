/**
 * A pool of SFTP connections. Each user holds one connection alone for the length of its call (one
 * transfer, one listing), as rclone's sftp backend does; idle connections are kept for reuse and
 * closed after the idle timeout.
 */
import { FsError } from "../../fs/errors.js";
import type { Connection } from "./connection.js";
import { isConnectionLost } from "./errors.js";

export interface PoolOptions {
  /** Most connections open at once; 0 for no limit. */
  max: number;
  /** Close a connection idle this long (ms); 0 keeps idle connections open. */
  idleMs: number;
}

export class Pool {
  private readonly idle: { conn: Connection; timer?: NodeJS.Timeout }[] = [];
  private open = 0;
  private readonly waiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly connect: () => Promise<Connection>,
    private readonly options: PoolOptions,
  ) {}

  /** Adds a connection opened elsewhere (the first one, opened to fail early) as idle. */
  adopt(conn: Connection): void {
    this.open++;
    this.putBack(conn);
  }

  /** A connection for the caller alone; give it back with `release`. Throws what connecting throws. */
  async take(signal?: AbortSignal): Promise<Connection> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.closed) throw new FsError("Other", "sftp: the remote was closed");
      const slot = this.idle.pop();
      if (slot) {
        clearTimeout(slot.timer);
        if (slot.conn.dead) {
          this.open--;
          continue;
        }
        slot.conn.acquire();
        return slot.conn;
      }
      if (this.options.max === 0 || this.open < this.options.max) break;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.open++;
    try {
      const conn = await this.connect();
      conn.acquire();
      return conn;
    } catch (err) {
      this.open--;
      this.waiters.shift()?.();
      throw err;
    }
  }

  /** Gives a connection back; a dead one (or any, once the pool is closed) is dropped. */
  release(conn: Connection): void {
    conn.release();
    if (conn.dead || this.closed) {
      this.open--;
      conn.close();
    } else this.putBack(conn);
    this.waiters.shift()?.();
  }

  /**
   * Closes the idle connections now and those in use as they come back; taking a connection
   * afterwards throws, as it does for callers waiting for one.
   */
  close(): void {
    this.closed = true;
    for (const { conn, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      this.open--;
      conn.close();
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private putBack(conn: Connection): void {
    const slot: { conn: Connection; timer?: NodeJS.Timeout } = { conn };
    if (this.options.idleMs > 0) {
      slot.timer = setTimeout(() => {
        const i = this.idle.indexOf(slot);
        if (i < 0) return;
        this.idle.splice(i, 1);
        this.open--;
        conn.close();
      }, this.options.idleMs);
      slot.timer.unref();
    }
    this.idle.push(slot);
  }

  /**
   * Runs `fn` on a pooled connection. When the connection dies under it, an `idempotent` call is run
   * once more on a new connection; otherwise (or if that fails the same way) it throws `Transient`.
   */
  async use<T>(fn: (conn: Connection) => Promise<T>, idempotent: boolean, signal?: AbortSignal): Promise<T> {
    const { conn, value } = await this.hold(fn, idempotent, signal);
    this.release(conn);
    return value;
  }

  /**
   * Like `use`, but on success the caller keeps the connection (for a handle opened on it) and gives
   * it back with `release`.
   */
  async hold<T>(
    fn: (conn: Connection) => Promise<T>,
    idempotent: boolean,
    signal?: AbortSignal,
  ): Promise<{ conn: Connection; value: T }> {
    for (let attempt = 0; ; attempt++) {
      const conn = await this.take(signal);
      try {
        return { conn, value: await fn(conn) };
      } catch (err) {
        // A request cut off by a dead connection says nothing about the file: retire it and retry.
        const lost = conn.dead || isConnectionLost(err);
        if (lost) conn.dead = true;
        this.release(conn);
        if (!lost) throw err;
        if (!idempotent || attempt > 0)
          throw new FsError("Transient", `connection lost: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}
