/**
 * rclone's FsCheckWrap idea, over a whole stack: every layer and overlay in it claims an optional
 * operation only when what it wraps has what that operation needs (nothing, for one the overlay
 * provides itself), claims no fact its base lacks, and `unwrap()` leads down to the base.
 */
import { expect } from "vitest";
import { OPTIONAL_OPS, type OptionalOpName } from "../../src/fs/features.js";
import { isWrapping, OverlayFs } from "../../src/fs/overlay.js";
import type { Fs } from "../../src/fs/types.js";

/** Deeper than any stack in stacks.ts: a longer chain means an unwrap loop. */
const MAX_DEPTH = 16;

/** What `fs` needs of what it wraps for `op`: a layer passes each operation to the same one below. */
const needsOf = (fs: Fs, op: OptionalOpName): readonly OptionalOpName[] =>
  fs instanceof OverlayFs ? fs.needsOf(op) : [op];

/** Checks every wrapper from `top` down to its base; returns the base. */
export function checkWrap(top: Fs): Fs {
  let fs = top;
  for (let depth = 0; isWrapping(fs); depth++) {
    expect(depth, `unwrap() of ${top} does not end`).toBeLessThan(MAX_DEPTH);
    const inner = fs.unwrap();
    expect(inner, `${fs}: unwrap() is what it wraps`).toBe(fs.inner);
    for (const op of OPTIONAL_OPS) {
      if (!fs.features[op]) continue;
      const missing = needsOf(fs, op).filter((n) => !inner.features[n]);
      expect(missing, `${fs} claims ${op} although ${inner} lacks ${missing.join(", ")}`).toEqual([]);
    }
    if (!inner.features.canHaveEmptyDirs) expect(fs.features.canHaveEmptyDirs, `${fs}: canHaveEmptyDirs`).toBe(false);
    if (inner.features.caseInsensitive) expect(fs.features.caseInsensitive, `${fs}: caseInsensitive`).toBe(true);
    fs = inner;
  }
  return fs;
}
