/**
 * A test layer whose reads stop once their object is removed, as reads from a remote that serves
 * each range with its own request do (where a memory or local read would keep the bytes it opened):
 * a body yields at most 256 bytes at a time and, before each, fails with `ObjectNotFound` when the
 * object is gone.
 */
import { FsError, isFsError } from "../../src/fs/errors.js";
import { LayerFs } from "../../src/fs/layers/layer.js";
import type { Body, OpenOptions } from "../../src/fs/types.js";

const STEP = 256;

export class VanishingReadsFs extends LayerFs {
  protected override wrapRead(remote: string, body: Body, _options?: OpenOptions): Body {
    const inner = this.inner;
    return (async function* () {
      for await (const chunk of body) {
        for (let at = 0; at < chunk.length; at += STEP) {
          try {
            await inner.newObject(remote);
          } catch (err) {
            if (isFsError(err, "ObjectNotFound"))
              throw new FsError("ObjectNotFound", "removed while read", { path: remote });
            throw err;
          }
          yield chunk.subarray(at, Math.min(at + STEP, chunk.length));
        }
      }
    })();
  }
}
