/**
 * rclone's FsCheckWrap idea, over a whole stack: every layer and overlay in it claims an optional
 * operation only when what it wraps has what that operation needs (nothing, for one the overlay
 * provides itself), claims no fact its base lacks, and `unwrap()` leads down to the base; an
 * overlay over several Fs (erasure) is held to the same over each of them.
 */
import { expect } from "vitest";
import { OPTIONAL_OPS, type OptionalOpName } from "../../src/fs/features.js";
import { isSpreading, isWrapping, OverlayFs } from "../../src/fs/overlay.js";
import type { Fs } from "../../src/fs/types.js";

/** Deeper than any stack in stacks.ts: a longer chain means an unwrap loop. */
const MAX_DEPTH = 16;

/** What `fs` needs of what it wraps for `op`: a layer passes each operation to the same one below. */
const needsOf = (fs: Fs, op: OptionalOpName): readonly OptionalOpName[] =>
  fs instanceof OverlayFs ? fs.needsOf(op) : [op];

/** `fs` claims no operation `inner` lacks what it needs for, and no fact `inner` denies. */
function checkOver(fs: Fs, inner: Fs, needs: (op: OptionalOpName) => readonly OptionalOpName[]): void {
  for (const op of OPTIONAL_OPS) {
    if (!fs.features[op]) continue;
    const missing = needs(op).filter((n) => !inner.features[n]);
    expect(missing, `${fs} claims ${op} although ${inner} lacks ${missing.join(", ")}`).toEqual([]);
  }
  if (!inner.features.canHaveEmptyDirs) expect(fs.features.canHaveEmptyDirs, `${fs}: canHaveEmptyDirs`).toBe(false);
  if (inner.features.caseInsensitive) expect(fs.features.caseInsensitive, `${fs}: caseInsensitive`).toBe(true);
}

/**
 * Checks every wrapper from `top` down to its base; returns the base. An overlay over several Fs
 * (erasure) ends the chain: it is checked against each of its upstreams, and each of those down
 * to its own base.
 */
export function checkWrap(top: Fs, depth = 0): Fs {
  let fs = top;
  for (; isWrapping(fs); depth++) {
    expect(depth, `unwrap() of ${top} does not end`).toBeLessThan(MAX_DEPTH);
    const inner = fs.unwrap();
    expect(inner, `${fs}: unwrap() is what it wraps`).toBe(fs.inner);
    checkOver(fs, inner, (op) => needsOf(fs, op));
    fs = inner;
  }
  if (isSpreading(fs)) {
    const spreading = fs;
    for (const upstream of spreading.upstreams) {
      checkOver(spreading, upstream, (op) => spreading.needsOf(op));
      expect(isWrapping(checkWrap(upstream, depth + 1)), `${upstream} unwraps to a base`).toBe(false);
    }
  }
  return fs;
}
