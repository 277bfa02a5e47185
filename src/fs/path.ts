/**
 * Remote paths: relative, `/`-separated, no leading or trailing `/`, `""` for the root.
 * `cleanRemote` is the one gate every path passes before a backend sees it.
 */
import { FsError } from "./errors.js";

/**
 * Normalises a path inside a remote: drops empty and `.` segments, resolves `..` within the path.
 * Throws `PathEscape` for a NUL byte, an absolute path, or a `..` that climbs above the root.
 */
export function cleanRemote(remote: string): string {
  if (remote.includes("\0")) throw new FsError("PathEscape", "path contains a NUL byte", { path: printable(remote) });
  if (remote.startsWith("/")) throw new FsError("PathEscape", "absolute path inside a remote", { path: remote });
  // Fast path: nothing to normalise.
  if (!/(^|\/)\.{1,2}(\/|$)|\/\/|\/$/.test(remote)) return remote;
  const out: string[] = [];
  for (const seg of remote.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) throw new FsError("PathEscape", "path climbs above the remote's root", { path: remote });
      out.pop();
    } else out.push(seg);
  }
  return out.join("/");
}

/**
 * Why a name segment decoded from a stored name (an overlay's chunk, shard, compressed or encrypted
 * name) cannot be listed, or undefined when it can: an empty name, `.`, `..`, a separator or a NUL
 * would let a stored name escape or alias its directory. Every overlay checks its decoded names here.
 */
export function unsafeSegment(segment: string): string | undefined {
  if (segment === "") return "empty name";
  if (segment === "." || segment === "..") return `name "${segment}"`;
  if (segment.includes("/")) return "name contains /";
  if (segment.includes("\0")) return "name contains a NUL byte";
  return undefined;
}

/** Joins remote path parts, skipping empty ones. Does not clean. */
export function joinRemote(...parts: string[]): string {
  return parts.filter((p) => p !== "").join("/");
}

/** The parent directory (`""` for top-level names). */
export function parentOf(remote: string): string {
  const i = remote.lastIndexOf("/");
  return i < 0 ? "" : remote.slice(0, i);
}

/** The last path segment. */
export function baseName(remote: string): string {
  return remote.slice(remote.lastIndexOf("/") + 1);
}

/** `remote` relative to `dir`, or undefined if it is not inside it. */
export function relativeTo(dir: string, remote: string): string | undefined {
  if (dir === "") return remote;
  if (remote === dir) return "";
  return remote.startsWith(`${dir}/`) ? remote.slice(dir.length + 1) : undefined;
}

/** Escapes control characters so a hostile name prints on one line. */
export function printable(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
