/** A file seen through compress: its data object, and its metadata once read. */
import { resolveRange, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import type { HashType } from "../../fs/hashes.js";
import { OverlayObject } from "../../fs/overlay.js";
import { baseName } from "../../fs/path.js";
import type { Body, CallOptions, FsObject, OpenOptions } from "../../fs/types.js";
import type { CompressFs } from "./fs.js";
import { gzipDecode, gzipLayout, type OpenRange } from "./gzip.js";
import { type CompressMeta, parseMeta } from "./meta.js";
import { fingerprint, MODE_STORED, MODE_ZSTD, metaName, parseDataName } from "./names.js";
import { dataFits } from "./pick.js";
import { checkedMd5 } from "./verify.js";
import { zstdDecode, zstdLayout } from "./zstd.js";

/** Reads and parses a metadata object. Throws `Corrupt` naming `remote` when it is not valid metadata. */
export async function readMeta(remote: string, metaObj: FsObject, options?: CallOptions): Promise<CompressMeta> {
  const parsed = parseMeta(await toBytes(await metaObj.open({ signal: options?.signal })));
  if (typeof parsed === "string") throw new FsError("Corrupt", `invalid metadata: ${parsed}`, { path: remote });
  return parsed;
}

export class CompressObject extends OverlayObject {
  size: number;
  modTime: Date;
  private meta: CompressMeta | undefined;

  constructor(
    override readonly fs: CompressFs,
    remote: string,
    readonly data: FsObject,
    size: number,
    public metaObj?: FsObject,
  ) {
    super(fs, remote);
    this.size = size;
    // rclone reports (and sets) the data object's modtime.
    this.modTime = data.modTime;
    this.modTimeSource = data;
  }

  /** MD5 once the metadata is loaded and keeps one: whole reads end with that check (see `open`). */
  get checksWholeRead(): HashType | undefined {
    return this.meta && this.meta.MD5 !== "" ? "md5" : undefined;
  }

  /** Records metadata this process has just written or copied, so it is not read again. */
  setMeta(meta: CompressMeta): void {
    this.meta = meta;
  }

  async metaObject(options?: CallOptions): Promise<FsObject> {
    this.metaObj ??= await this.fs.inner.newObject(metaName(this.remote), options);
    return this.metaObj;
  }

  /**
   * The metadata, read once and checked against the data object: the mode, the size in the data's
   * name (or the `.bin` object's size). Throws `Corrupt` naming the file when they disagree or the
   * metadata is invalid, `ObjectNotFound` when it is gone.
   */
  async loadMeta(options?: CallOptions): Promise<CompressMeta> {
    if (this.meta) return this.meta;
    const meta = await readMeta(this.remote, await this.metaObject(options), options);
    this.adoptMeta(meta);
    return meta;
  }

  /** Checks metadata read from the remote against the data object (see `loadMeta`) and keeps it. */
  adoptMeta(meta: CompressMeta): void {
    const parsed = parseDataName(baseName(this.data.remote));
    const bad = (why: string) => new FsError("Corrupt", why, { path: this.remote });
    if (parsed?.held !== undefined) {
      // A held name carries no size: the object's own size must fit the metadata.
      if (parsed.held !== fingerprint(meta.MD5) || !dataFits(meta, this.data.size)) {
        throw bad("the held data object does not match the metadata");
      }
    } else if (meta.Mode === MODE_STORED) {
      if (parsed?.size !== undefined) throw bad("metadata says stored, but the data object is compressed");
      if (this.data.size !== meta.Size) {
        throw bad(`data object holds ${this.data.size} bytes, metadata says ${meta.Size}`);
      }
    } else {
      if (parsed?.size === undefined) throw bad("metadata says compressed, but the data object is stored");
      if (parsed.size !== meta.Size) {
        throw bad(`size in the data object's name (${parsed.size}) differs from the metadata's (${meta.Size})`);
      }
    }
    this.meta = meta;
    this.size = meta.Size;
  }

  /**
   * The content, or a range of it. Throws `Corrupt` naming the file when the data does not decode as
   * the metadata says (see `gzipDecode`, `zstdDecode`); a whole read also ends with the MD5 check
   * (`checkedMd5`), for stored data too.
   */
  async open(options?: OpenOptions): Promise<Body> {
    const signal = options?.signal;
    const meta = await this.loadMeta({ signal });
    const { start, end } = resolveRange(options, meta.Size);
    const body = await this.decoded(meta, start, end, signal);
    const whole = start === 0 && end === meta.Size;
    return whole && meta.MD5 !== "" ? checkedMd5(body, meta.Size, meta.MD5, this.remote) : body;
  }

  private async decoded(meta: CompressMeta, start: number, end: number, signal?: AbortSignal): Promise<Body> {
    if (meta.Mode === MODE_STORED) return this.data.open({ offset: start, length: end - start, signal });
    const openRange: OpenRange = (offset, length) => this.data.open({ offset, length, signal });
    // parseMeta gives every compressed mode its blocks; metadata built here has them too.
    const blocks = meta.blocks;
    if (!blocks) throw new FsError("Corrupt", "missing block metadata", { path: this.remote });
    const { concurrency } = this.fs;
    if (meta.Mode === MODE_ZSTD) {
      const layout = zstdLayout(blocks, meta.Size, this.data.size);
      if (typeof layout === "string") throw new FsError("Corrupt", layout, { path: this.remote });
      return zstdDecode(openRange, layout, start, end, concurrency, this.remote);
    }
    const layout = gzipLayout(blocks, meta.Size, this.data.size);
    if (typeof layout === "string") throw new FsError("Corrupt", layout, { path: this.remote });
    return gzipDecode(openRange, layout, start, end, concurrency, this.remote);
  }

  /** Removes the metadata, then the data (rclone's order). */
  async remove(options?: CallOptions): Promise<void> {
    try {
      await (await this.metaObject(options)).remove(options);
    } catch (err) {
      if (!isFsError(err, "ObjectNotFound")) throw err;
    }
    await this.data.remove(options);
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    await this.data.setModTime(modTime, options);
    this.modTime = modTime;
  }

  /** The MD5 of the uncompressed content, from the metadata (no data is read). */
  async hash(type: HashType, options?: CallOptions): Promise<string | undefined> {
    if (type !== "md5") throw notImplemented(`hash ${type}`, this.remote);
    const meta = await this.loadMeta(options);
    return meta.MD5 === "" ? undefined : meta.MD5;
  }
}
