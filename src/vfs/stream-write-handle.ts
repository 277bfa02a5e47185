/**
 * A file written without the cache (cache modes off and minimal): the writes, which must be
 * sequential, stream straight into an upload (rclone's Rcat: put from memory when short, else
 * `putStream`, else spooled) that ends, verified, when the handle is flushed or released.
 */
import { constants } from "node:os";
import { rcat } from "../fs/operations/rcat.js";
import type { Fs, FsObject } from "../fs/types.js";
import { vfsError } from "./errno.js";
import { PushBody } from "./push-body.js";
import type { VfsHandle } from "./types.js";

const E = constants.errno;

export class StreamWriteHandle implements VfsHandle {
  /** Bytes written so far: the size `stat` reports while the upload runs. */
  written = 0;
  readonly mtime = new Date();
  private readonly body = new PushBody();
  private readonly upload: Promise<FsObject | undefined>;
  private finished: Promise<void> | undefined;

  constructor(
    fs: Fs,
    readonly path: string,
    /** Called once with the uploaded object, or with undefined when the upload failed. */
    private readonly done: (handle: StreamWriteHandle, obj: FsObject | undefined) => void,
  ) {
    this.upload = rcat(fs, path, this.body.body(), { modTime: this.mtime });
    // Reported by the write, flush or release that awaits it, not as an unhandled rejection.
    this.upload.catch(() => undefined);
  }

  async read(): Promise<Uint8Array> {
    throw vfsError("PermissionDenied", E.EPERM, "can't read a file being written without --vfs-cache-mode", this.path);
  }

  async write(offset: number, data: Uint8Array): Promise<number> {
    if (this.finished) throw vfsError("PermissionDenied", E.EBADF, "file already closed", this.path);
    if (offset !== this.written) {
      throw vfsError(
        "NotImplemented",
        E.ESPIPE,
        "can't seek in a file being written without --vfs-cache-mode >= writes",
        this.path,
      );
    }
    await Promise.race([this.body.push(data), this.upload.then(() => undefined)]);
    this.written += data.length;
    return data.length;
  }

  async truncate(size: number): Promise<void> {
    if (size !== this.written) {
      throw vfsError(
        "PermissionDenied",
        E.EPERM,
        "can't truncate a file being written without --vfs-cache-mode",
        this.path,
      );
    }
  }

  /** Ends the upload once something was written (as rclone: a flush before any write leaves it to release). */
  async flush(): Promise<void> {
    if (this.written > 0) await this.finish();
  }

  async release(): Promise<void> {
    await this.finish();
  }

  private finish(): Promise<void> {
    this.finished ??= (async () => {
      this.body.end();
      try {
        this.done(this, await this.upload);
      } catch (err) {
        this.done(this, undefined);
        throw err;
      }
    })();
    return this.finished;
  }
}
