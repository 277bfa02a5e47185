/**
 * `makeErasureTree` with every shard stored: uploads may succeed with fewer than n shards when some
 * are slow (the long tail), so tests that damage specific shards and count what is left first
 * rebuild whatever an upload left out.
 */
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { type ErasureTree, makeErasureTree, open } from "./tree.js";

export async function wholeErasureTree(files?: Record<string, number>): Promise<ErasureTree> {
  const tree = await makeErasureTree(files);
  await rebuildErasure(erasureOf(await open(tree.spec)));
  return tree;
}
