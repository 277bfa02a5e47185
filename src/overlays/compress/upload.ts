/**
 * Writing one file through compress as a new version: the data object, then the metadata (the
 * commit), then the previous version's data goes.
 */
import { fromBytes, tapBody } from "../../fs/body.js";
import { FsError } from "../../fs/errors.js";
import { putSpilled } from "../../fs/spill.js";
import type { Body, FsObject, ObjectInfo, PutOptions } from "../../fs/types.js";
import { UploadHashes } from "../../fs/upload-hashes.js";
import { encodeBody } from "./encode.js";
import type { CompressFs } from "./fs.js";
import { type CompressMeta, marshalMeta } from "./meta.js";
import { dataName, MODE_STORED, MODE_ZSTD, metaName, tempDataName } from "./names.js";
import type { CompressObject } from "./object.js";
import { Replacement, relocate } from "./replacement.js";

/**
 * Writes `body` as `src.remote`, replacing `old` (its current version, if any) so that a process
 * killed at any step leaves the previous version or the new one readable, never metadata paired
 * with the other version's data:
 *
 * 1. the new data object goes under its data name; when that is the previous version's data name
 *    (same size and mode), the previous data is first moved to its held name (see `Replacement`);
 *    data of unknown size goes under the temporary name first and is moved into place once its
 *    size gives the name;
 * 2. the metadata is written (the commit);
 * 3. the previous data object (held or under another name) is removed.
 *
 * A failure before the commit removes what was written and moves held data back. The MD5 kept in
 * the metadata is the caller's when it hashes this body in flight (a copy does), else computed
 * here, in a worker when the file is large. Throws `Corrupt` when the body's length is not
 * `src.size`.
 */
export async function writeVersion(
  fs: CompressFs,
  body: Body,
  src: ObjectInfo,
  old: CompressObject | undefined,
  options?: PutOptions,
): Promise<CompressObject> {
  const hashes = new UploadHashes(["md5"], src);
  try {
    return await writeHashed(fs, body, src, hashes, old, options);
  } finally {
    // A worker hasher goes back to its pool only once its digest is taken.
    await hashes.release();
  }
}

async function writeHashed(
  fs: CompressFs,
  body: Body,
  src: ObjectInfo,
  hashes: UploadHashes,
  old: CompressObject | undefined,
  options?: PutOptions,
): Promise<CompressObject> {
  const { remote, modTime } = src;
  const signal = options?.signal;
  let total = 0;
  const counted = tapBody(
    body,
    (part) => {
      signal?.throwIfAborted();
      total += part.length;
      return hashes.update(part);
    },
    () => {
      if (src.size >= 0 && total !== src.size) {
        throw new FsError("Corrupt", `size mismatch: expected ${src.size}, got ${total}`, { path: remote });
      }
    },
  );
  const { mode, mime, dataBody, blockMeta } = await encodeBody(counted, fs);
  const replacing = new Replacement(fs, old);

  // Step 1.
  const inner = fs.inner;
  const ram = fs.options.ram_cache_limit;
  let temp: FsObject | undefined;
  let data: FsObject | undefined;
  try {
    // A stored file's name has no size in it, so it is known even when the size is not.
    const known = src.size >= 0 || mode === MODE_STORED ? dataName(remote, src.size, mode) : undefined;
    if (known !== undefined) {
      await replacing.makeRoom(known, options);
      data =
        mode === MODE_STORED && src.size >= 0
          ? await inner.put(dataBody, { remote: known, size: src.size, modTime }, { signal })
          : await putSpilled(inner, dataBody, known, modTime, ram, { signal });
    } else if (inner.features.move) {
      temp = await putSpilled(inner, dataBody, tempDataName(remote, mode), modTime, ram, { signal });
      const final = dataName(remote, total, mode);
      await replacing.makeRoom(final, options);
      data = await relocate(inner, temp, final, { signal });
      temp = undefined;
    } else {
      const final = async () => {
        const name = dataName(remote, total, mode);
        await replacing.makeRoom(name, options);
        return name;
      };
      data = await putSpilled(inner, dataBody, final, modTime, ram, { signal });
    }
  } catch (err) {
    await replacing.undo([temp], options);
    throw err;
  }

  // Step 2.
  let metaObj: FsObject;
  let meta: CompressMeta;
  try {
    const md5hex = (await hashes.digests(options)).get("md5");
    if (!md5hex) throw new FsError("Other", "the MD5 computed in flight was not available", { path: remote });
    meta = { Mode: mode, Size: total, MD5: md5hex.toLowerCase(), MimeType: mime };
    if (blockMeta) meta.blocks = blockMeta();
    const bytes = marshalMeta(meta, fs.mode === MODE_ZSTD ? "v1.72" : "v1.60");
    metaObj = await inner.put(fromBytes(bytes), { remote: metaName(remote), size: bytes.length, modTime }, { signal });
  } catch (err) {
    // Without its metadata the new data object is unreadable: remove it, as rclone does.
    await replacing.undo([data], options);
    throw err;
  }

  // Step 3.
  return replacing.finish(remote, data, metaObj, meta, options);
}
