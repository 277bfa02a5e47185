/**
 * The webdav backend. Listings are one PROPFIND (Depth 1) per directory. Uploads go to a hidden
 * temporary name in the target directory and are moved onto the real name with MOVE, so a killed
 * upload never leaves a partial file under the real name.
 */
import { resolveRange, sliceBody } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import { disableFeatures, fillFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import { log } from "../../fs/log.js";
import { withRetries } from "../../fs/operations/retry.js";
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
} from "../../fs/types.js";
import { isPartialName, partialName } from "../partial.js";
import { DavClient, type DavResponse, expectMultistatus } from "./client.js";
import { fromNetwork } from "./errors.js";
import type { WebdavOptions } from "./index.js";
import { decodeUrlPath, encodeUrlPath } from "./paths.js";
import { ALLPROP, type DavItem, OWNCLOUD_PROPS, parseMultistatus } from "./propfind.js";
import { type Quirks, quirksOf } from "./vendor.js";

/** Commits raced by another writer of the same name, tried in all before giving up. */
const COMMIT_ATTEMPTS = 6;

export class WebdavFs implements Fs {
  readonly features;
  readonly hashes: ReadonlySet<HashType>;
  readonly precision: number;
  readonly quirks: Quirks;
  readonly client: DavClient;
  /** The URL path of the root, percent-encoded, without a trailing `/`. */
  private readonly basePath: string;
  /** Directories known to exist, so writing many files into one does not MKCOL it each time. */
  private readonly knownDirs = new Set<string>();

  constructor(
    readonly name: string,
    readonly root: string,
    private readonly options: WebdavOptions,
  ) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new FsError("ConfigInvalid", `webdav: bad url ${JSON.stringify(options.url)}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new FsError("ConfigInvalid", `webdav: url must be http or https, not ${url.protocol}`);
    }
    this.client = new DavClient(url, { user: options.user, pass: options.pass, bearerToken: options.bearer_token });
    this.basePath = url.pathname.replace(/\/+$/, "") + (root === "" ? "" : `/${encodeUrlPath(root)}`);
    this.quirks = quirksOf(options.vendor);
    this.precision = this.quirks.precision;
    this.hashes = new Set(this.quirks.hashes);
    // As rclone: only servers known to take chunked uploads get putStream; others need the size first.
    const features = fillFeatures(this);
    this.features = this.quirks.canStream ? features : disableFeatures(features, ["putStream"]);
  }

  toString(): string {
    return `webdav root '${this.root}' at ${this.options.url}`;
  }

  /** Closes the HTTP connections kept alive for reuse. */
  async close(): Promise<void> {
    this.client.close();
  }

  /** The encoded URL path of a file. */
  filePath(remote: string): string {
    return remote === "" ? this.basePath || "/" : `${this.basePath}/${encodeUrlPath(remote)}`;
  }

  /** The encoded URL path of a directory (with the trailing `/` collections have). */
  dirPath(dir: string): string {
    return `${dir === "" ? this.basePath : this.filePath(dir)}/`;
  }

  /** True when `other` talks to the same server as the same user, so server-side copies can join them. */
  sameServer(other: Fs): other is WebdavFs {
    return (
      other instanceof WebdavFs &&
      other.client.origin === this.client.origin &&
      other.options.user === this.options.user &&
      other.options.pass === this.options.pass &&
      other.options.bearer_token === this.options.bearer_token
    );
  }

  /** PROPFIND of one resource (Depth 0) or a collection and its members (Depth 1). */
  private async propfind(urlPath: string, remote: string, depth: 0 | 1, signal?: AbortSignal): Promise<DavItem[]> {
    const target = depth === 0 ? "file" : "dir";
    const response = await this.client.request("PROPFIND", urlPath, remote, target, {
      headers: { Depth: String(depth), "Content-Type": "application/xml; charset=utf-8" },
      body: this.hashes.size > 0 ? OWNCLOUD_PROPS : ALLPROP,
      signal,
    });
    const xml = await response.text().catch((err) => {
      throw fromNetwork(err, remote);
    });
    expectMultistatus(response.status, remote);
    return parseMultistatus(xml);
  }

  /** Every member of `dir`, temporary upload names included. Throws DirNotFound unless it is a directory. */
  private async members(dir: string, signal?: AbortSignal): Promise<{ name: string; item: DavItem }[]> {
    const urlPath = this.dirPath(dir);
    const items = await this.propfind(urlPath, dir, 1, signal);
    // The answer holds the directory itself and its members one level below. They are told apart by
    // depth rather than by comparing paths, which servers may escape or normalise differently.
    const depth = segments(decodeUrlPath(urlPath));
    const own = items.find((i) => segments(i.path) === depth);
    if (!own?.isDir) throw new FsError("DirNotFound", "directory not found", { path: dir });
    const out: { name: string; item: DavItem }[] = [];
    for (const item of items) {
      if (segments(item.path) !== depth + 1) continue;
      out.push({ name: item.path.slice(item.path.lastIndexOf("/") + 1), item });
    }
    return out;
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    const members = await this.members(dir, options?.signal);
    this.knownDirs.add(dir);
    const entries: Entry[] = [];
    for (const { name, item } of members) {
      if (isPartialName(name)) continue;
      const remote = joinRemote(dir, name);
      entries.push(
        item.isDir
          ? ({ kind: "dir", remote, modTime: item.modTime } satisfies Directory)
          : new WebdavObject(this, remote, item),
      );
    }
    return entries;
  }

  /** The item at `remote` (a file or a directory). Throws ObjectNotFound. */
  private async stat(remote: string, signal?: AbortSignal): Promise<DavItem> {
    const [item] = await this.propfind(this.filePath(remote), remote, 0, signal);
    if (!item) throw new FsError("ObjectNotFound", "object not found", { path: remote });
    return item;
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const item = await this.stat(remote, options?.signal);
    if (item.isDir) throw new FsError("IsDir", "is a directory", { path: remote });
    return new WebdavObject(this, remote, item);
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    const parent = parentOf(src.remote);
    await this.ensureDir(parent, options?.signal);
    const tmp = joinRemote(parent, partialName());
    const sourceFailure: { error?: unknown } = {};
    try {
      const headers: Record<string, string> = { "Content-Type": "application/octet-stream" };
      if (src.size >= 0) headers["Content-Length"] = String(src.size);
      Object.assign(headers, await this.uploadHeaders(src, options));
      await this.client.call("PUT", this.filePath(tmp), src.remote, "dir", {
        headers,
        body: checkedBody(body, src, sourceFailure, options?.signal),
        signal: options?.signal,
      });
      if (sourceFailure.error) throw sourceFailure.error;
      // Read back before the MOVE (which keeps size and modtime): afterwards a concurrent writer's
      // MOVE onto the same name may briefly leave nothing there.
      const item = await this.stat(tmp, options?.signal);
      if (src.size >= 0 && item.size !== src.size) {
        throw new FsError("Corrupt", `size mismatch: sent ${src.size}, stored ${item.size}`, { path: src.remote });
      }
      await this.commit("MOVE", this.filePath(tmp), src.remote, src.modTime, options?.signal);
      return new WebdavObject(this, src.remote, item);
    } catch (err) {
      // The PUT may have left a temporary file (or the server a half-written one) behind.
      await this.client.call("DELETE", this.filePath(tmp), tmp, "file", { accept: [404] }).catch(() => undefined);
      if (isFsError(err, "DirNotFound")) this.knownDirs.clear();
      throw sourceFailure.error ?? err;
    }
  }

  putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.put(body, src, options);
  }

  /** `X-OC-Mtime` and `OC-Checksum`, for the vendors that keep them. */
  private async uploadHeaders(src: ObjectInfo, options?: CallOptions): Promise<Record<string, string>> {
    const headers: Record<string, string> = {};
    if (this.quirks.ocMtime) headers["X-OC-Mtime"] = String(Math.floor(src.modTime.getTime() / 1000));
    for (const type of ["sha1", "md5"] as const) {
      if (!this.hashes.has(type)) continue;
      const digest = await src.hash?.(type, options).catch(() => undefined);
      if (digest) {
        headers["OC-Checksum"] = `${type.toUpperCase()}:${digest}`;
        break;
      }
    }
    return headers;
  }

  /**
   * COPY or MOVE of the resource at `fromPath` onto file `remote`. Asked first not to overwrite, so a
   * directory in the way is found (Overwrite: T would replace a whole tree); a file is then replaced.
   * Apache replaces with a DELETE then a rename, so a concurrent commit onto the same name can make
   * ours answer 404 although our source is still there: then the whole commit is sent again.
   */
  private async commit(
    method: "COPY" | "MOVE",
    fromPath: string,
    remote: string,
    modTime: Date,
    signal?: AbortSignal,
  ): Promise<void> {
    const headers: Record<string, string> = { Destination: this.client.origin + this.filePath(remote) };
    if (this.quirks.ocMtime) headers["X-OC-Mtime"] = String(Math.floor(modTime.getTime() / 1000));
    let raced = false;
    await withRetries(
      async () => {
        raced = false;
        const status = await this.client.call(method, fromPath, remote, "file", {
          headers: { ...headers, Overwrite: "F" },
          signal,
          accept: [412],
        });
        if (status !== 412) return;
        const existing = await this.stat(remote, signal).catch((err) => {
          if (isFsError(err, "ObjectNotFound")) return undefined;
          throw err;
        });
        if (existing?.isDir) throw new FsError("IsDir", "is a directory", { path: remote });
        const replaced = await this.client.call(method, fromPath, remote, "file", {
          headers: { ...headers, Overwrite: "T" },
          signal,
          accept: [404],
        });
        if (replaced !== 404) return;
        raced = (await this.propfind(fromPath, remote, 0, signal).catch(() => [])).length > 0;
        throw new FsError("ObjectNotFound", `${method} answered 404`, { path: remote });
      },
      { attempts: COMMIT_ATTEMPTS, baseDelayMs: 20, signal, what: remote, retryIf: () => raced },
    );
  }

  /** Makes `dir` and its missing parents, one MKCOL per missing level; concurrent calls share one. */
  private ensureDir(dir: string, signal?: AbortSignal): Promise<void> {
    if (this.knownDirs.has(dir)) return Promise.resolve();
    let pending = this.pendingDirs.get(dir);
    if (!pending) {
      pending = this.makeDir(dir, signal).finally(() => this.pendingDirs.delete(dir));
      this.pendingDirs.set(dir, pending);
    }
    return pending;
  }

  private readonly pendingDirs = new Map<string, Promise<void>>();

  private async makeDir(dir: string, signal?: AbortSignal): Promise<void> {
    let status = await this.mkcol(dir, signal);
    if (status === 409) {
      // A parent is missing: make it, then this level.
      if (dir === "") throw new FsError("DirNotFound", "the root's parent is missing", { path: this.root });
      await this.ensureDir(parentOf(dir), signal);
      status = await this.mkcol(dir, signal);
    }
    if (status === 403 || status === 409) {
      // Apache refuses a MKCOL that races another client's for the same collection; that is success.
      const item = await this.stat(dir, signal).catch(() => undefined);
      if (!item?.isDir) throw new FsError("PermissionDenied", `MKCOL answered ${status}`, { path: dir });
    }
    this.knownDirs.add(dir);
  }

  /** One MKCOL; 405 (something exists there) counts as done, 403 and 409 are the caller's to judge. */
  private mkcol(dir: string, signal?: AbortSignal): Promise<number> {
    return this.client.call("MKCOL", this.dirPath(dir), dir, "dir", { signal, accept: [403, 405, 409] });
  }

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    // An explicit mkdir always asks the server: the directory may have gone since we saw it.
    this.knownDirs.delete(dir);
    await this.ensureDir(dir, options?.signal);
    // MKCOL answers 405 for a file as for a directory.
    const item = await this.stat(dir, options?.signal).catch(() => undefined);
    if (item && !item.isDir) {
      this.knownDirs.delete(dir);
      throw new FsError("IsFile", "is a file, not a directory", { path: dir });
    }
  }

  /**
   * Removes an empty directory. DELETE of a collection removes everything in it, so the directory is
   * listed first and refused with DirNotEmpty if anything (a temporary upload included) is inside.
   */
  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    const members = await this.members(dir, options?.signal);
    if (members.length > 0) throw new FsError("DirNotEmpty", "directory not empty", { path: dir });
    this.knownDirs.clear();
    await this.client.call("DELETE", this.dirPath(dir), dir, "dir", { signal: options?.signal });
  }

  /** Removes `dir` and everything under it with one DELETE. */
  async purge(dir: string, options?: CallOptions): Promise<void> {
    await this.members(dir, options?.signal);
    this.knownDirs.clear();
    await this.client.call("DELETE", this.dirPath(dir), dir, "dir", { signal: options?.signal });
  }

  /** Server-side COPY; the source must be on the same server with the same credentials, else CantCopy. */
  async copy(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    if (!(src instanceof WebdavObject) || !this.sameServer(src.fs)) {
      throw new FsError("CantCopy", "source is not on this WebDAV server", { path: src.remote });
    }
    await this.ensureDir(parentOf(remote), options?.signal);
    await this.commit("COPY", src.fs.filePath(src.remote), remote, src.modTime, options?.signal);
    return this.newObject(remote, options);
  }

  /** Server-side MOVE; the source must be on the same server with the same credentials, else CantMove. */
  async move(src: FsObject, remote: string, options?: CallOptions): Promise<FsObject> {
    if (!(src instanceof WebdavObject) || !this.sameServer(src.fs)) {
      throw new FsError("CantMove", "source is not on this WebDAV server", { path: src.remote });
    }
    await this.ensureDir(parentOf(remote), options?.signal);
    await this.commit("MOVE", src.fs.filePath(src.remote), remote, src.modTime, options?.signal);
    return this.newObject(remote, options);
  }

  /** MOVE of a whole collection. Throws CantDirMove across servers, AlreadyExists onto anything existing. */
  async dirMove(src: Fs, srcRemote: string, dstRemote: string, options?: CallOptions): Promise<void> {
    if (!this.sameServer(src)) throw new FsError("CantDirMove", "source is not on this WebDAV server");
    const existing = await this.stat(dstRemote, options?.signal).catch((err) => {
      if (isFsError(err, "ObjectNotFound")) return undefined;
      throw err;
    });
    if (existing) throw new FsError("AlreadyExists", "destination exists", { path: dstRemote });
    await src.members(srcRemote, options?.signal);
    await this.ensureDir(parentOf(dstRemote), options?.signal);
    this.knownDirs.clear();
    src.knownDirs.clear();
    await this.client.call("MOVE", src.dirPath(srcRemote), srcRemote, "dir", {
      headers: { Destination: this.client.origin + this.dirPath(dstRemote), Overwrite: "F" },
      signal: options?.signal,
    });
  }

  /** Removes temporary files left by uploads that were killed, in every directory. */
  async cleanUp(options?: CallOptions): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      for (const { name, item } of await this.members(dir, options?.signal)) {
        const remote = joinRemote(dir, name);
        if (item.isDir) await walk(remote);
        else if (isPartialName(name)) {
          await this.client.call("DELETE", this.filePath(remote), remote, "file", { accept: [404] });
          log.info(remote, "removed leftover partial upload");
        }
      }
    };
    await walk("");
  }
}

/** The number of `/`-separated segments of a path, trailing `/` ignored ("" and "/" have one). */
function segments(path: string): number {
  return path.replace(/\/+$/, "").split("/").length;
}

/**
 * Passes the body on while counting it: a body longer or shorter than the declared size fails with
 * Corrupt before the request can complete, and a failure of the source is recorded so `put` reports
 * it rather than the broken connection it causes. An error thrown in at a `yield` comes from the
 * transport (the request was destroyed) and is not the source's.
 */
async function* checkedBody(
  body: Body,
  src: ObjectInfo,
  failure: { error?: unknown },
  signal?: AbortSignal,
): AsyncGenerator<Uint8Array> {
  let size = 0;
  let yielding = false;
  try {
    for await (const part of body) {
      signal?.throwIfAborted();
      size += part.length;
      if (src.size >= 0 && size > src.size) {
        throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got more`, { path: src.remote });
      }
      yielding = true;
      yield part;
      yielding = false;
    }
    if (src.size >= 0 && size !== src.size) {
      throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${size}`, { path: src.remote });
    }
  } catch (err) {
    if (!yielding) failure.error = err;
    throw err;
  }
}

class WebdavObject implements FsObject {
  readonly kind = "file";
  readonly size: number;
  modTime: Date;
  private readonly hashes: Map<HashType, string>;

  constructor(
    readonly fs: WebdavFs,
    readonly remote: string,
    item: DavItem,
  ) {
    this.size = item.size;
    this.modTime = item.modTime;
    this.hashes = item.hashes;
  }

  /**
   * Reads the content or a range of it. A server that ignores Range and answers 200 with the whole
   * body is sliced here; a 206 for another range than asked is Corrupt.
   */
  async open(options?: OpenOptions): Promise<Body> {
    const { start, end } = resolveRange(options, this.size);
    if (start === end && this.size > 0) return (async function* () {})();
    const ranged = start > 0 || end < this.size;
    const response: DavResponse = await this.fs.client.request(
      "GET",
      this.fs.filePath(this.remote),
      this.remote,
      "file",
      {
        headers: ranged ? { Range: `bytes=${start}-${end - 1}` } : {},
        signal: options?.signal,
      },
    );
    const body = (response as unknown as { body: Body | null }).body;
    if (!body) return (async function* () {})();
    if (!ranged) return body;
    if (response.status === 206) {
      const range = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
      if (!range || Number(range[1]) !== start) {
        (body as unknown as { destroy?: () => void }).destroy?.();
        throw new FsError("Corrupt", `asked for bytes from ${start}, got ${range?.[0] ?? "no Content-Range"}`, {
          path: this.remote,
        });
      }
      return sliceBody(body, 0, end - start);
    }
    return sliceBody(body, start, end - start);
  }

  async remove(options?: CallOptions): Promise<void> {
    await this.fs.client.call("DELETE", this.fs.filePath(this.remote), this.remote, "file", {
      signal: options?.signal,
    });
  }

  /**
   * Sets the modtime by PROPPATCH of `DAV:lastmodified` where the vendor supports it (ownCloud,
   * Nextcloud). Throws NotImplemented elsewhere: a plain WebDAV server keeps no modtime a client can
   * set, so sync re-uploads instead.
   */
  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    if (!this.fs.quirks.propsetMtime) throw notImplemented("setting modtimes", this.remote);
    const seconds = Math.floor(modTime.getTime() / 1000);
    const response = await this.fs.client.request("PROPPATCH", this.fs.filePath(this.remote), this.remote, "file", {
      headers: { "Content-Type": "application/xml; charset=utf-8" },
      body: `<?xml version="1.0" encoding="utf-8"?>\n<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><d:lastmodified>${seconds}</d:lastmodified></d:prop></d:set></d:propertyupdate>\n`,
      signal: options?.signal,
    });
    const xml = await response.text();
    if (response.status === 207 && !/<[^>]*status>\s*HTTP\/\S+ 2\d\d/i.test(xml)) {
      throw new FsError("NotImplemented", "the server refused to set the modtime", { path: this.remote });
    }
    this.modTime = new Date(seconds * 1000);
  }

  async hash(type: HashType): Promise<string | undefined> {
    if (!this.fs.hashes.has(type)) throw notImplemented(`hash ${type}`, this.remote);
    return this.hashes.get(type);
  }
}
