/**
 * Cleans every path before the wrapped Fs sees it (see `cleanRemote`): `newFs` puts this on top of
 * every remote it builds, so no backend or overlay is handed `..`, an absolute path or a NUL byte.
 */
import { cleanRemote } from "../path.js";
import { LayerFs } from "./layer.js";

export class PathGuardFs extends LayerFs {
  protected override path(remote: string): string {
    return cleanRemote(remote);
  }
}
