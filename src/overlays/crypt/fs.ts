/**
 * The crypt overlay: names through `NameCipher`, contents through the block format of `cipher.ts`,
 * on the wrapped remote. Nothing is forwarded by default: every operation maps names (and bytes)
 * here, so a missing method cannot leak plaintext.
 */
import { resolveRange, sameBytes, sliceBody, tapBody, toBytes } from "../../fs/body.js";
import { FsError, isFsError, notImplemented } from "../../fs/errors.js";
import { type AsyncHasher, streamHasher } from "../../fs/hash-worker.js";
import { HASH_TYPES, type HashType, newHasher } from "../../fs/hashes.js";
import { objectUnderLayers, underLayers } from "../../fs/layers/layer.js";
import { log } from "../../fs/log.js";
import { OverlayFs, OverlayObject, type ServerSideOp } from "../../fs/overlay.js";
import { baseName, joinRemote, printable } from "../../fs/path.js";
import type { Body, CallOptions, Entry, Fs, FsObject, ObjectInfo, OpenOptions, PutOptions } from "../../fs/types.js";
import {
  authenticateBlocks,
  BLOCK_BYTES,
  decryptBlocks,
  decryptedSize,
  encryptBody,
  encryptedSize,
  HEADER_BYTES,
  newNonce,
  parseHeader,
  SEALED_BLOCK_BYTES,
  sealedRuns,
  splitHeader,
} from "./cipher.js";
import { decryptInWorker, WORKER_DECRYPT_THRESHOLD } from "./decrypt-worker.js";
import type { CryptOptions } from "./index.js";
import type { CryptKeys } from "./keys.js";
import type { NameCipher } from "./names.js";
import type { SecretBox } from "./secretbox.js";

/** An FsError from the wrapped remote, re-addressed to the plaintext path. */
function readdress(err: unknown, remote: string): unknown {
  if (!isFsError(err) || err.path === remote) return err;
  const prefix = err.path === undefined ? "" : `${err.path}: `;
  const message = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new FsError(err.code, message, { path: remote, retry: err.retry, cause: err });
}

export class CryptFs extends OverlayFs {
  /** rclone's crypt offers no hash, even without data encryption: see `wrappedHashOf` for cryptcheck. */
  readonly hashes: ReadonlySet<HashType> = new Set();

  /** `acrossConfigs`: server-side operations across configs allowed globally (the option allows them too). */
  constructor(
    name: string,
    root: string,
    inner: Fs,
    readonly options: CryptOptions,
    readonly keys: CryptKeys,
    readonly names: NameCipher,
    readonly box: SecretBox,
    acrossConfigs = false,
  ) {
    // Only what names no file passes down as it is: every name below is encrypted.
    super(name, root, inner, { forwards: ["about", "cleanUp"] }, acrossConfigs || options.server_side_across_configs);
  }

  toString(): string {
    return `Encrypted drive '${this.name}:${this.root}'`;
  }

  get encryptsData(): boolean {
    return !this.options.no_data_encryption;
  }

  /** Whether objects stored by `other` hold bytes this remote decrypts (same data key, same mode). */
  sameData(other: CryptFs): boolean {
    if (other === this) return true;
    if (other.encryptsData !== this.encryptsData) return false;
    return !this.encryptsData || sameBytes(other.keys.dataKey, this.keys.dataKey);
  }

  /** Whether `other` stores directories as this remote does (same keys, same name mapping), so one can move as it is. */
  protected override storesLike(other: CryptFs): boolean {
    return this.sameData(other) && this.sameNames(other);
  }

  protected override innerDir(dir: string): string {
    return this.storedDir(dir);
  }

  protected override readdress(err: unknown, remote: string): unknown {
    return readdress(err, remote);
  }

  /** Whether `other` maps names exactly as this remote does, so a directory can move as it is. */
  sameNames(other: CryptFs): boolean {
    const a = this.names.o;
    const b = other.names.o;
    return (
      a.mode === b.mode &&
      a.dirNames === b.dirNames &&
      a.encoding === b.encoding &&
      a.suffix === b.suffix &&
      sameBytes(a.nameKey, b.nameKey) &&
      sameBytes(a.nameTweak, b.nameTweak)
    );
  }

  /** A name that does not decrypt: skipped with a notice, or an error with `strict_names`. */
  private undecryptable(kind: "file" | "dir", stored: string, why: unknown): void {
    const reason = why instanceof Error ? why.message : String(why);
    if (this.options.strict_names) {
      throw new FsError("Corrupt", `undecryptable ${kind} name: ${reason}`, { path: printable(stored) });
    }
    log.notice(printable(stored), `Skipping undecryptable ${kind} name: ${reason}`);
  }

  async list(dir: string, options?: CallOptions): Promise<Entry[]> {
    let entries: Entry[];
    try {
      entries = await this.inner.list(this.storedDir(dir), options);
    } catch (err) {
      throw readdress(err, dir);
    }
    const out: Entry[] = [];
    for (const e of entries) {
      const stored = baseName(e.remote);
      let plain: string;
      try {
        plain = e.kind === "file" ? this.names.decryptFile(stored) : this.names.decryptDir(stored);
      } catch (err) {
        this.undecryptable(e.kind, e.remote, err);
        continue;
      }
      const remote = joinRemote(dir, plain);
      if (this.options.show_mapping) log.notice(remote, `Encrypts to ${JSON.stringify(e.remote)}`);
      out.push(e.kind === "file" ? new CryptObject(this, remote, e) : { kind: "dir", remote, modTime: e.modTime });
    }
    return out;
  }

  async newObject(remote: string, options?: CallOptions): Promise<FsObject> {
    const stored = this.storedName(remote);
    try {
      return new CryptObject(this, remote, await this.inner.newObject(stored, options));
    } catch (err) {
      // With names off, a directory's stored name lacks the suffix: ask for it to report IsDir.
      const dir = this.storedDir(remote);
      if (isFsError(err, "ObjectNotFound") && dir !== stored) {
        try {
          await this.inner.newObject(dir, options);
        } catch (dirErr) {
          if (isFsError(dirErr, "IsDir")) throw readdress(dirErr, remote);
        }
      }
      throw readdress(err, remote);
    }
  }

  /** The stored name of a file; a segment that cannot be encrypted fails naming the whole path. */
  private storedName(remote: string): string {
    try {
      return this.names.encryptFile(remote);
    } catch (err) {
      throw readdress(err, remote);
    }
  }

  /** The stored name of a directory, failing as `storedName`. */
  private storedDir(dir: string): string {
    try {
      return this.names.encryptDir(dir);
    } catch (err) {
      throw readdress(err, dir);
    }
  }

  async put(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.upload(body, src, this.inner.put.bind(this.inner), options);
  }

  async putStream(body: Body, src: ObjectInfo, options?: PutOptions): Promise<FsObject> {
    return this.upload(body, src, this.innerOp("putStream"), options);
  }

  /**
   * Encrypts `body` on its way to the wrapped remote. The source's hashes describe plaintext, so
   * none are passed down; instead, as rclone, the ciphertext is hashed in flight with the wrapped
   * remote's first hash and checked against what it stored (a mismatch removes the object and throws
   * `Corrupt`). A name too long for the wrapped remote once encrypted fails naming the file.
   */
  private async upload(
    body: Body,
    src: ObjectInfo,
    put: (body: Body, src: ObjectInfo, options?: PutOptions) => Promise<FsObject>,
    options?: PutOptions,
  ): Promise<FsObject> {
    const stored = this.storedName(src.remote);
    const size = this.encryptsData ? encryptedSize(src.size) : src.size;
    const type = this.encryptsData ? HASH_TYPES.find((t) => this.inner.hashes.has(t)) : undefined;
    const hasher = type ? streamHasher(type, size) : undefined;
    let digest: Promise<string> | undefined;
    const sent = () => {
      digest ??= (hasher as AsyncHasher).digest();
      return digest;
    };
    let data = this.encryptsData ? encryptBody(body, this.keys.dataKey, newNonce(), this.box) : body;
    if (hasher) data = tapBody(data, (part) => hasher.update(part));
    const info: ObjectInfo = {
      remote: stored,
      size,
      modTime: src.modTime,
      hashedInFlight: type,
      hash: async (t) => (t === type ? sent() : undefined),
    };
    let obj: FsObject;
    try {
      obj = await put(data, info, { signal: options?.signal, hashes: type ? [type] : undefined });
    } catch (err) {
      // A worker hasher is released only once its digest is taken.
      if (hasher) await sent().catch(() => undefined);
      if (isFsError(err) && /name too long/i.test(err.message)) {
        const longest = Math.max(...stored.split("/").map((s) => Buffer.byteLength(s)));
        throw new FsError(
          "Other",
          `file name too long for ${this.inner} once encrypted (a stored name segment of ${longest} bytes); ` +
            "use shorter names or filename_encoding=base32768",
          { path: src.remote, cause: err },
        );
      }
      throw readdress(err, src.remote);
    }
    if (type) {
      const want = await sent();
      const got = await obj.hash(type, options);
      if (got && got.toLowerCase() !== want.toLowerCase() && (await this.stillOurs(stored, obj, options))) {
        await obj.remove().catch(() => undefined);
        throw new FsError("Corrupt", `corrupted on transfer: ${type} crypted hash differ "${want}" vs "${got}"`, {
          path: src.remote,
        });
      }
    }
    return new CryptObject(this, src.remote, obj);
  }

  /**
   * Whether the object at `stored` is still the one a put returned: a concurrent write of the same name
   * may have replaced it before its hash was asked, and that is no corruption (compared by size, so a
   * same-size replacement still counts as ours).
   */
  private async stillOurs(stored: string, obj: FsObject, options?: CallOptions): Promise<boolean> {
    try {
      return (await this.inner.newObject(stored, options)).size === obj.size;
    } catch {
      return false;
    }
  }

  async mkdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.mkdir(this.storedDir(dir), options).catch((err) => Promise.reject(readdress(err, dir)));
  }

  async rmdir(dir: string, options?: CallOptions): Promise<void> {
    return this.inner.rmdir(this.storedDir(dir), options).catch((err) => Promise.reject(readdress(err, dir)));
  }

  async purge(dir: string, options?: CallOptions): Promise<void> {
    return this.innerOp("purge")(this.storedDir(dir), options).catch((err) => Promise.reject(readdress(err, dir)));
  }

  /**
   * Server-side copy/move of a crypt object whose bytes this remote can read (same data key): the
   * wrapped object is copied to this remote's stored name. Throws `CantCopy`/`CantMove` otherwise.
   * A copy first authenticates every block of the source and throws `Corrupt` naming it when one
   * fails, so damaged bytes are never duplicated under a name that reports success (a streamed copy
   * would fail on them too). A move does not read the source: it neither adds nor changes a stored
   * byte, and reading would turn a rename into a download (rclone 1.60 checks neither).
   */
  protected override async serverSide(
    src: CryptObject,
    remote: string,
    op: ServerSideOp,
    options?: CallOptions,
  ): Promise<FsObject> {
    if (!this.sameData(src.fs)) throw this.refuse(op, "source is not a crypt object with the same key", src.remote);
    if (op === "copy") await src.authenticate(options);
    try {
      return new CryptObject(this, remote, await this.innerOp(op)(src.wrapped, this.storedName(remote), options));
    } catch (err) {
      throw readdress(err, remote);
    }
  }

  /** The nonce in the header of a stored object. Throws `Corrupt` naming `remote` for a bad header. */
  async nonceOf(wrapped: FsObject, remote: string, options?: CallOptions): Promise<Uint8Array> {
    const head = await toBytes(await wrapped.open({ offset: 0, length: HEADER_BYTES, signal: options?.signal }));
    return parseHeader(head, remote);
  }

  /**
   * What the wrapped remote's `type` hash of `dst` should be if it holds `src`'s content: `src`
   * encrypted again with the nonce of `dst`'s header, hashed (rclone's cryptcheck). Without data
   * encryption, `src`'s own hash. Reads `src` whole and `dst`'s 32-byte header.
   */
  async wrappedHashOf(dst: CryptObject, src: FsObject, type: HashType, options?: CallOptions): Promise<string> {
    if (!this.encryptsData) {
      const h = await src.hash(type, options);
      if (h === undefined) throw new FsError("Other", `source has no ${type} hash`, { path: src.remote });
      return h;
    }
    const nonce = await this.nonceOf(dst.wrapped, dst.remote, options);
    if (nonce.every((b) => b === 0)) log.error(dst.remote, "empty nonce read");
    const hasher = newHasher(type);
    const plain = await src.open({ signal: options?.signal });
    for await (const part of encryptBody(plain, this.keys.dataKey, nonce, this.box)) hasher.update(part);
    return hasher.digest();
  }
}

/** A file seen through crypt: the wrapped object under its decrypted name. */
export class CryptObject extends OverlayObject {
  readonly size: number;
  modTime: Date;
  /** Why the stored size cannot be an encrypted file's, when it cannot. */
  private readonly badSize: string | undefined;

  constructor(
    override readonly fs: CryptFs,
    remote: string,
    readonly wrapped: FsObject,
  ) {
    super(fs, remote);
    let size = wrapped.size;
    if (fs.encryptsData && size >= 0) {
      try {
        size = decryptedSize(size);
      } catch (err) {
        // Listed with size 0 as rclone does; reading it fails.
        this.badSize = (err as Error).message;
        log.debug(remote, `Bad size for decrypt: ${this.badSize}`);
        size = 0;
      }
    }
    this.size = size;
    this.modTime = wrapped.modTime;
    this.modTimeSource = wrapped;
  }

  /**
   * Decrypts the blocks a range touches (the header is read too, for the nonce). Throws `Corrupt` for a
   * bad header or size and for a block that does not authenticate, naming the file.
   */
  async open(options?: OpenOptions): Promise<Body> {
    const { fs, wrapped, remote } = this;
    if (!fs.encryptsData) return wrapped.open(options);
    if (this.badSize) throw new FsError("Corrupt", this.badSize, { path: remote });
    const { start, end } = resolveRange(options, this.size);
    const signal = options?.signal;
    const first = Math.floor(start / BLOCK_BYTES);
    const blocks = Math.ceil(end / BLOCK_BYTES) - first;
    let nonce: Uint8Array;
    let sealed: Body;
    if (first === 0) {
      const all = await wrapped.open({ offset: 0, length: HEADER_BYTES + blocks * SEALED_BLOCK_BYTES, signal });
      ({ nonce, rest: sealed } = await splitHeader(all, remote));
    } else {
      nonce = await fs.nonceOf(wrapped, remote, { signal });
      sealed = await wrapped.open({
        offset: HEADER_BYTES + first * SEALED_BLOCK_BYTES,
        length: blocks * SEALED_BLOCK_BYTES,
        signal,
      });
    }
    const key = fs.keys.dataKey;
    // Large reads decrypt on another core when libsodium loaded and a worker is free.
    const inWorker =
      fs.box.impl === "native" && blocks * SEALED_BLOCK_BYTES >= WORKER_DECRYPT_THRESHOLD
        ? decryptInWorker(sealedRuns(sealed, first, remote), key, nonce, remote)
        : undefined;
    const plain = inWorker ?? decryptBlocks(sealed, key, nonce, first, fs.box, remote);
    return exactly(sliceBody(plain, start - first * BLOCK_BYTES, end - start), end - start, remote);
  }

  /**
   * Reads the whole stored file and authenticates every block, keeping no plaintext. Throws `Corrupt`
   * naming the file for a bad header or size, a block that does not authenticate, or a file shorter
   * than listed; a file cut exactly at a block boundary passes (the format cannot tell, rclone #7192).
   */
  async authenticate(options?: CallOptions): Promise<void> {
    const { fs, wrapped, remote } = this;
    if (!fs.encryptsData) return;
    if (this.badSize) throw new FsError("Corrupt", this.badSize, { path: remote });
    let got: number;
    try {
      const { nonce, rest } = await splitHeader(await wrapped.open({ signal: options?.signal }), remote);
      got = await authenticateBlocks(rest, fs.keys.dataKey, nonce, fs.box, remote);
    } catch (err) {
      throw readdress(err, remote);
    }
    if (got < this.size) throw shorterThanListed(got, this.size, remote);
  }

  async remove(options?: CallOptions): Promise<void> {
    return this.wrapped.remove(options).catch((err) => Promise.reject(readdress(err, this.remote)));
  }

  async setModTime(modTime: Date, options?: CallOptions): Promise<void> {
    await this.wrapped.setModTime(modTime, options);
    this.modTime = modTime;
  }

  async hash(type: HashType): Promise<string | undefined> {
    throw notImplemented(`hash ${type}`, this.remote);
  }
}

/** Passes `body` on, failing with `Corrupt` if it ends before `length` bytes (changed since listed). */
async function* exactly(body: Body, length: number, remote: string): Body {
  let got = 0;
  for await (const part of body) {
    got += part.length;
    yield part;
  }
  if (got !== length) throw shorterThanListed(got, length, remote);
}

const shorterThanListed = (got: number, length: number, remote: string) =>
  new FsError("Corrupt", `file is shorter than listed (${got} of ${length} bytes): truncated or changed`, {
    path: remote,
  });

/** The crypt remote under transparent layers (path guard, counting), or undefined if `fs` is not one. */
export function cryptFsOf(fs: Fs): CryptFs | undefined {
  const inner = underLayers(fs);
  return inner instanceof CryptFs ? inner : undefined;
}

/** The crypt object under transparent layers, or undefined. */
export function cryptObjectOf(o: FsObject): CryptObject | undefined {
  const inner = objectUnderLayers(o);
  return inner instanceof CryptObject ? inner : undefined;
}
