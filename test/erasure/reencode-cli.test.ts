/** `strata erasure rebuild --reencode` over erasure(6 × local, 4+2): a new segment size, --dry-run first. */
import { afterEach, describe, expect, it } from "vitest";
import { strata } from "../commands/run-cli.js";
import { type ErasureTree, makeErasureTree, readsBack } from "./tree.js";

let tree: ErasureTree;
afterEach(() => tree?.remove());

describe("strata erasure rebuild --reencode", () => {
  it("lists with --dry-run, then rewrites each file stored with another segment size", async () => {
    tree = await makeErasureTree();
    const spec = tree.spec.replace("segment_size=1000b", "segment_size=2000b");
    const dry = await strata(["erasure", "rebuild", "--reencode", "--dry-run", spec]);
    expect(dry.code, dry.stderr).toBe(0);
    const why = "written with segment size 1000, configured 2000";
    expect(dry.stdout).toContain(`would re-encode (${why}): a/b/big`);
    expect(dry.stdout).toContain("5 files checked, 5 would re-encode");

    const res = await strata(["erasure", "rebuild", "--reencode", "-P", spec]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("5 files checked, 5 re-encoded");
    expect(await readsBack(tree, spec)).toBe(true);
    const again = await strata(["erasure", "rebuild", "--reencode", spec]);
    expect(again.stdout).toContain("5 files checked, 0 re-encoded");
    const verify = await strata(["erasure", "verify", spec]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
