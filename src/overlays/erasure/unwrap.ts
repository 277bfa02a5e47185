/** Finding the erasure Fs a command was given, under the layers `newFs` puts on top. */
import { FsError } from "../../fs/errors.js";
import { underLayers } from "../../fs/layers/layer.js";
import type { Fs } from "../../fs/types.js";
import { ErasureFs } from "./fs.js";

/** The erasure Fs under any transparent layers; `Usage` when `fs` is not an erasure remote. */
export function erasureOf(fs: Fs): ErasureFs {
  const inner = underLayers(fs);
  if (!(inner instanceof ErasureFs)) throw new FsError("Usage", `${fs} is not an erasure remote`);
  return inner;
}
