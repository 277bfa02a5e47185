/** The remote path an HTTP request names, decoded and cleaned so it can never leave the served root. */
import { FsError } from "../fs/errors.js";
import { cleanRemote } from "../fs/path.js";

/** A request target split into the remote path it names and whether it ended with `/`. */
export interface RequestPath {
  remote: string;
  trailingSlash: boolean;
}

/**
 * Decodes a request target (`/a/b%20c/?x=1`, or the absolute form `http://host/a`) into a remote
 * path. Each segment is percent-decoded on its own, so an encoded `/` (`%2f`) cannot join segments;
 * the result then passes `cleanRemote`, which resolves `.` and `..` (also encoded as `%2e`) inside
 * the path. Throws `PathEscape` for an encoded `/`, bad percent-encoding, a NUL, or a `..` that
 * would climb above the root. The target is not parsed with `URL`, which would quietly clamp such
 * a `..` at the root instead of refusing it.
 */
export function requestPath(target: string): RequestPath {
  let path = target.split(/[?#]/, 1)[0] ?? "";
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (absolute) path = path.slice(absolute[0].length);
  const segments = path.split("/").map((seg) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(seg);
    } catch {
      throw new FsError("PathEscape", "bad percent-encoding in the request path", { path: target });
    }
    if (decoded.includes("/")) throw new FsError("PathEscape", "encoded / in the request path", { path: target });
    return decoded;
  });
  return {
    remote: cleanRemote(segments.filter((s) => s !== "").join("/")),
    trailingSlash: path.endsWith("/"),
  };
}

/** The URL path of `remote` (every segment percent-encoded), with a trailing `/` for a directory. */
export function urlPathOf(remote: string, dir: boolean): string {
  const path = remote === "" ? "" : `/${remote.split("/").map(encodeURIComponent).join("/")}`;
  return dir ? `${path}/` : path || "/";
}
