/** Maps ssh2 errors (SFTP status codes, socket and handshake failures) to `FsError` codes. */
import { FsError, isFsError } from "../../fs/errors.js";
import { TRANSIENT_SOCKET_CODES } from "../net-errors.js";

/** SFTP v3 status codes (draft-ietf-secsh-filexfer-02, section 7). */
export const STATUS = {
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
} as const;

/** ssh2's messages for requests cut off by a closed connection or channel. */
const LOST_MESSAGES =
  /No response from server|Not connected|Channel open failure|Unable to exec|connection lost|socket hang up/i;

/** SFTP status code of an ssh2 error, if it carries one. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

/** True when `err` means the connection (not the request) failed: retrying on a new one may work. */
export function isConnectionLost(err: unknown): boolean {
  if (isFsError(err)) return err.code === "Transient";
  const e = err as { code?: unknown; level?: unknown; message?: unknown } | undefined;
  if (typeof e?.code === "string" && TRANSIENT_SOCKET_CODES.has(e.code)) return true;
  if (e?.code === STATUS.NO_CONNECTION || e?.code === STATUS.CONNECTION_LOST) return true;
  if (e?.level === "client-socket" || e?.level === "client-timeout") return true;
  return typeof e?.message === "string" && LOST_MESSAGES.test(e.message);
}

/**
 * An error from connecting: refused, reset or timed out → `Transient` (temporary); a refused login or
 * host key → `AuthFailed` (fatal, never retried); an unreadable private key → `ConfigInvalid`.
 */
export function fromConnect(err: unknown, where: string): FsError {
  if (isFsError(err)) return err;
  const e = err as { level?: unknown; message?: unknown };
  const message = typeof e?.message === "string" ? e.message : String(err);
  if (e?.level === "client-authentication")
    return new FsError("AuthFailed", `login refused: ${message}`, { path: where, retry: "fatal", cause: err });
  if (/Host denied/.test(message))
    return new FsError("AuthFailed", "host key is not in known_hosts_file", {
      path: where,
      retry: "fatal",
      cause: err,
    });
  if (/Cannot parse privateKey|passphrase/i.test(message))
    return new FsError("ConfigInvalid", message, { path: where, cause: err });
  return new FsError("Transient", `connection failed: ${message}`, { path: where, cause: err });
}

/**
 * An error from one SFTP request about `path`, meant as a file or a directory (which decides between
 * `ObjectNotFound` and `DirNotFound`). Already mapped errors pass through.
 */
export function fromSftp(err: unknown, path: string, what: "file" | "dir"): unknown {
  if (isFsError(err)) return err;
  const cause = err;
  switch (statusOf(err)) {
    case STATUS.NO_SUCH_FILE:
      return what === "file"
        ? new FsError("ObjectNotFound", "object not found", { path, cause })
        : new FsError("DirNotFound", "directory not found", { path, cause });
    case STATUS.PERMISSION_DENIED:
      return new FsError("PermissionDenied", "permission denied", { path, cause });
    case STATUS.OP_UNSUPPORTED:
      return new FsError("NotImplemented", "operation not supported by the server", { path, cause });
    case STATUS.FAILURE:
    case STATUS.BAD_MESSAGE:
      return new FsError("Other", (err as Error).message, { path, cause });
    default:
      break;
  }
  if (isConnectionLost(err))
    return new FsError("Transient", `connection lost: ${(err as Error).message}`, { path, cause });
  return err;
}
