/** Maps HTTP statuses and network failures of WebDAV requests to `FsError` codes. */
import { FsError, isFsError } from "../../fs/errors.js";
import { TRANSIENT_SOCKET_CODES } from "../net-errors.js";

/** What the request was about: a file, a directory, or the parent of a file being written. */
export type Target = "file" | "dir";

/** Statuses worth another try after a pause, as rclone's webdav backend retries them. */
const RETRY_STATUSES = new Set([423, 425, 429, 500, 502, 503, 504, 509]);

/**
 * The `FsError` for an HTTP error status. 404 is ObjectNotFound or DirNotFound by `target`; 400 and 409
 * say a path runs through a file or a missing parent, which is not found as well; 401 is AuthFailed
 * (fatal: retrying with the same credentials cannot help); 403 PermissionDenied; 412 AlreadyExists;
 * 423, 425, 429 and 5xx are Transient.
 */
export function fromStatus(status: number, path: string, target: Target, detail = ""): FsError {
  const message = `HTTP ${status}${detail ? ` ${detail}` : ""}`;
  switch (status) {
    case 400:
    case 404:
    case 409:
      return target === "file"
        ? new FsError("ObjectNotFound", `object not found (${message})`, { path })
        : new FsError("DirNotFound", `directory not found (${message})`, { path });
    case 401:
      return new FsError("AuthFailed", `authentication failed (${message})`, { path, retry: "fatal" });
    case 403:
      return new FsError("PermissionDenied", `permission denied (${message})`, { path });
    case 412:
      return new FsError("AlreadyExists", `already exists (${message})`, { path });
    case 423:
      return new FsError("Transient", `locked (${message})`, { path });
    default:
      if (RETRY_STATUSES.has(status) || status >= 500) return new FsError("Transient", message, { path });
      return new FsError("Other", message, { path });
  }
}

/**
 * The error for a request that got no HTTP answer: Transient for a refused, reset or timed-out
 * connection; an abort through the caller's signal and anything else pass through unchanged.
 */
export function fromNetwork(err: unknown, path: string): unknown {
  if (isFsError(err)) return err;
  const e = err as { code?: string; errno?: string; name?: string; message?: string; type?: string };
  if (e?.name === "AbortError") return err;
  const code = e?.code ?? e?.errno;
  if (
    (code && TRANSIENT_SOCKET_CODES.has(code)) ||
    /socket hang up|premature close|other side closed/i.test(e?.message ?? "")
  ) {
    return new FsError("Transient", `connection failed: ${e?.message ?? code}`, { path, cause: err });
  }
  return err;
}
