/** Downloading a URL to a remote file or a writer: what `copyurl` does. */
import { posix } from "node:path";
import { FsError, isFsError } from "../errors.js";
import type { Body, CallOptions, Fs, FsObject } from "../types.js";
import { rcat } from "./rcat.js";

export interface CopyUrlOptions extends CallOptions {
  /** Name the file after the last segment of the URL's path (after redirects). */
  autoFilename?: boolean;
  /** With `autoFilename`, take the name from the Content-Disposition header instead. */
  headerFilename?: boolean;
  /** Fail with `AlreadyExists` instead of replacing a file of the same name. */
  noClobber?: boolean;
  dryRun?: boolean;
}

/** A response that succeeded, with what `rcat` needs from it. */
interface Download {
  body: Body;
  /** From Content-Length, or -1 when absent or when the body arrives decoded from a Content-Encoding. */
  size: number;
  /** From Last-Modified, else now. */
  modTime: Date;
  response: Response;
}

/**
 * GETs `url`, following redirects. Throws `Transient` when the server cannot be reached or answers
 * 5xx or 429, `Other` for any other status outside 2xx (as rclone: `CopyURL failed: 404 Not Found`).
 */
async function download(url: string, options: CallOptions): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, redirect: "follow" });
  } catch (err) {
    if (options.signal?.aborted) throw err;
    const why = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new FsError("Transient", `Get "${url}": ${why}`, { cause: err });
  }
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel();
    const code = response.status >= 500 || response.status === 429 ? "Transient" : "Other";
    throw new FsError(code, `CopyURL failed: ${response.status} ${response.statusText}`.trimEnd());
  }
  const length = response.headers.get("content-length");
  const encoded = response.headers.has("content-encoding");
  const modified = new Date(response.headers.get("last-modified") ?? "");
  return {
    body: (response.body ?? []) as Body,
    size: length !== null && !encoded && /^\d+$/.test(length) ? Number(length) : -1,
    modTime: Number.isNaN(modified.getTime()) ? new Date() : modified,
    response,
  };
}

/**
 * The `filename` parameter of a Content-Disposition header (RFC 6266: `filename*=UTF-8''…` preferred
 * over `filename="…"`), or undefined.
 */
export function dispositionFilename(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /(?:^|;)\s*filename\*\s*=\s*([^']*)'[^']*'([^;\s]*)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2] as string);
    } catch {
      // A malformed percent-encoding: fall back to the plain parameter.
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  if (!plain) return undefined;
  return plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2];
}

/** The last segment of a name, with `\` read as `/` (a server may send a Windows path); "" if none. */
function leafOf(name: string): string {
  const leaf = posix.basename(name.replaceAll("\\", "/"));
  return leaf === "." || leaf === ".." ? "" : leaf;
}

/** The file name `copyurl -a` uses. Throws `Usage` when the URL or header gives none. */
function autoName(d: Download, fromHeader: boolean): string {
  if (fromHeader) {
    const name = leafOf(dispositionFilename(d.response.headers.get("content-disposition")) ?? "");
    if (name === "") throw new FsError("Usage", "CopyURL failed: filename not found in the Content-Disposition header");
    return name;
  }
  const name = leafOf(decodeURIComponent(new URL(d.response.url).pathname));
  if (name === "") throw new FsError("Usage", "CopyURL failed: file name wasn't found in url");
  return name;
}

/**
 * Downloads `url` into `dst` as `remote` (or, with `autoFilename`, under the name the URL gives),
 * streamed through `rcat`: with the size from Content-Length when the server sends one, and the
 * modtime from Last-Modified. Returns the stored file (undefined on a dry run).
 * Throws `AlreadyExists` with `noClobber` when the file exists, besides `download`'s errors.
 */
export async function copyUrl(
  dst: Fs,
  remote: string,
  url: string,
  options: CopyUrlOptions = {},
): Promise<FsObject | undefined> {
  const d = await download(url, options);
  try {
    const name = options.autoFilename ? autoName(d, options.headerFilename === true) : remote;
    if (options.noClobber && (await exists(dst, name, options))) {
      throw new FsError("AlreadyExists", "CopyURL failed: file already exist");
    }
    return await rcat(dst, name, d.body, { ...options, size: d.size, modTime: d.modTime });
  } finally {
    await d.response.body?.cancel().catch(() => undefined);
  }
}

/** Downloads `url` into `write` (which returns false when its reader went away). */
export async function copyUrlTo(
  url: string,
  write: (chunk: Uint8Array) => Promise<boolean>,
  options: CallOptions = {},
): Promise<void> {
  const d = await download(url, options);
  try {
    for await (const chunk of d.body) if (!(await write(chunk))) return;
  } finally {
    await d.response.body?.cancel().catch(() => undefined);
  }
}

async function exists(fs: Fs, remote: string, options: CallOptions): Promise<boolean> {
  try {
    await fs.newObject(remote, options);
    return true;
  } catch (err) {
    if (isFsError(err, "ObjectNotFound", "DirNotFound")) return false;
    throw err;
  }
}
