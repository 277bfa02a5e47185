/**
 * A streamed copy from local disk hashes the source in flight; erasure keeps that md5 in its trailers
 * instead of hashing the bytes again. The stored hashes must still be those of the plaintext.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyFile } from "../../src/fs/operations/copy.js";
import { type ErasureTree, makeErasureTree, open } from "./tree.js";

let tree: ErasureTree;
let src: string;
afterEach(() => {
  tree?.remove();
  rmSync(src, { recursive: true, force: true });
});

describe("erasure after a streamed copy from local", () => {
  it.each([0, 999, 12_345, 9 << 20])("stores the plaintext's md5 and sha1 (%i bytes)", async (size) => {
    tree = await makeErasureTree({});
    src = mkdtempSync(join(tmpdir(), "strata-ec-src-"));
    const data = randomBytes(size);
    writeFileSync(join(src, "f.bin"), data);
    const local = await open(src);
    const copied = await copyFile(await local.newObject("f.bin"), await open(tree.spec), "f.bin");
    expect(copied.size).toBe(size);

    const stored = await (await open(tree.spec)).newObject("f.bin");
    expect(await stored.hash("md5")).toBe(createHash("md5").update(data).digest("hex"));
    expect(await stored.hash("sha1")).toBe(createHash("sha1").update(data).digest("hex"));
  });
});
