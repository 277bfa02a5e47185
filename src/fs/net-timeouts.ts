/**
 * rclone's --contimeout and --timeout: how long the network backends (s3, sftp, webdav) wait for a
 * connection to open and for a quiet connection to say something. One setting per process, as in
 * rclone: the CLI sets it from its flags before opening remotes; a remote reads it when it is built.
 */

export interface NetTimeouts {
  /** Opening a connection (TCP, and the SSH handshake for sftp), ms; rclone's --contimeout. */
  connectMs: number;
  /** A connection with a request outstanding and no bytes moving, ms; rclone's --timeout. */
  idleMs: number;
}

/** rclone's defaults: 1m to connect, 5m idle. */
export const DEFAULT_NET_TIMEOUTS: Readonly<NetTimeouts> = { connectMs: 60_000, idleMs: 300_000 };

let current: Readonly<NetTimeouts> = DEFAULT_NET_TIMEOUTS;

/** Sets the timeouts remotes built from now on use; 0 or Infinity means no limit, as rclone's 0. */
export function setNetTimeouts(timeouts: NetTimeouts): void {
  current = { ...timeouts };
}

/** The timeouts in force (see `setNetTimeouts`). */
export function netTimeouts(): Readonly<NetTimeouts> {
  return current;
}

/** `ms` as a socket timeout: 0 (none) for rclone's 0 and for `off`. */
export function socketTimeout(ms: number): number {
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}
