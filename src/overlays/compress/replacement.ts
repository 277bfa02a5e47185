/**
 * What a compress commit does around the previous version of a file, shared by uploads
 * (`upload.ts`) and server-side copies (`CompressFs.serverSide`): hold its data aside when the new
 * data takes the same name, put it back after a failure before the commit, and remove it after.
 */
import { isFsError } from "../../fs/errors.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import type { CompressFs } from "./fs.js";
import type { CompressMeta } from "./meta.js";
import { fingerprint, heldDataName } from "./names.js";
import { CompressObject } from "./object.js";

export class Replacement {
  /** The previous version's data once moved to its held name. */
  private held: FsObject | undefined;

  /** `old`: the current version of the file being replaced, if any. */
  constructor(
    private readonly fs: CompressFs,
    private readonly old: CompressObject | undefined,
  ) {}

  /**
   * Makes room for new data under `name`: when that is the previous version's data name, moves the
   * previous data to its held name, where readers of the previous metadata find it. Without an MD5
   * in that metadata to name it by, the data is replaced in place, as rclone replaces it.
   */
  async makeRoom(name: string, options?: CallOptions): Promise<void> {
    const old = this.old;
    if (!old || old.data.remote !== name) return;
    const meta = await old.loadMeta(options);
    const fp = fingerprint(meta.MD5);
    if (fp !== undefined)
      this.held = await relocate(this.fs.inner, old.data, heldDataName(old.remote, meta.Mode, fp), options);
  }

  /** After a failure before the commit: removes the objects written and moves held data back. */
  async undo(written: (FsObject | undefined)[], options?: CallOptions): Promise<void> {
    for (const obj of written) await obj?.remove(options).catch(() => undefined);
    if (this.held && this.old) {
      await relocate(this.fs.inner, this.held, this.old.data.remote, options).catch(() => undefined);
    }
  }

  /** After the commit: removes the previous data (held, or under another name) and returns the new file. */
  async finish(
    remote: string,
    data: FsObject,
    metaObj: FsObject,
    meta: CompressMeta,
    options?: CallOptions,
  ): Promise<CompressObject> {
    const previous = this.held ?? this.old?.data;
    if (previous && previous.remote !== data.remote) {
      try {
        await previous.remove(options);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
    }
    const obj = new CompressObject(this.fs, remote, data, meta.Size, metaObj);
    obj.setMeta(meta);
    return obj;
  }
}

/**
 * Moves a wrapped object to `final` with the wrapped remote's move; without one, or when that
 * refuses the object (`CantMove`), copies its bytes there through a stream and removes it.
 */
export async function relocate(inner: Fs, from: FsObject, final: string, options?: CallOptions): Promise<FsObject> {
  const move = inner.features.move;
  if (move) {
    try {
      return await move(from, final, options);
    } catch (err) {
      if (!isFsError(err, "CantMove")) throw err;
    }
  }
  const info = { remote: final, size: from.size, modTime: from.modTime };
  const moved = await inner.put(await from.open({ signal: options?.signal }), info, options);
  await from.remove(options);
  return moved;
}
