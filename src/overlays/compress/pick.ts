/**
 * Which wrapped data object holds the version a metadata object describes. Normally the object at
 * the data name the metadata gives. An overwrite whose new data takes the same name (same size and
 * mode) first moves the previous data to a held name carrying its MD5's fingerprint
 * (`heldDataName`), so until the new metadata is written, a reader whose metadata has that MD5 finds
 * its data there. Pure: no Fs.
 */
import { baseName } from "../../fs/path.js";
import { gzipLayout } from "./gzip.js";
import type { CompressMeta } from "./meta.js";
import { dataName, fingerprint, MODE_GZIP, MODE_STORED, parseDataName } from "./names.js";
import { zstdLayout } from "./zstd.js";

/** Whether a data object of `objectSize` bytes can hold what `meta` describes (the sizes its layout implies). */
export function dataFits(meta: CompressMeta, objectSize: number): boolean {
  if (meta.Mode === MODE_STORED) return objectSize === meta.Size;
  const blocks = meta.blocks;
  if (!blocks) return false;
  const layout =
    meta.Mode === MODE_GZIP ? gzipLayout(blocks, meta.Size, objectSize) : zstdLayout(blocks, meta.Size, objectSize);
  return typeof layout !== "string";
}

/**
 * Among the wrapped data objects of the file `name` (its wrapped path), the one holding the version
 * `meta` describes: a held object with the fingerprint of `meta`'s MD5 whose size fits the metadata,
 * else the object at the metadata's data name; undefined when neither is there.
 */
export function currentData<T extends { remote: string; size: number }>(
  name: string,
  meta: CompressMeta,
  objects: readonly T[],
): T | undefined {
  const fp = fingerprint(meta.MD5);
  if (fp !== undefined) {
    const held = objects.find((o) => parseDataName(baseName(o.remote))?.held === fp && dataFits(meta, o.size));
    if (held) return held;
  }
  const want = baseName(dataName(name, meta.Size, meta.Mode));
  return objects.find((o) => baseName(o.remote) === want);
}
