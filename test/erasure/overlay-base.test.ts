/**
 * Erasure on the overlay base: its operations masked by every upstream, `about` scaled to the data
 * share of what the upstreams hold, and the identity rule of server-side copies (the same configs,
 * whatever the roots).
 */
import { statfsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { copyFile, type ServerSideKind } from "../../src/fs/operations/copy.js";
import { type ErasureTree, K, makeErasureTree, N, open } from "./tree.js";

let tree: ErasureTree | undefined;
afterEach(() => tree?.remove());

describe("erasure on the overlay base", () => {
  it("about: each figure of the upstreams summed and scaled by k / n", async () => {
    tree = await makeErasureTree({});
    const usage = await (await open(tree.spec)).features.about?.();
    const s = statfsSync(tree.dirs[0] as string);
    // Six directories of one file system: n times its total, of which k / n is data.
    expect(usage?.total).toBe(Math.floor((K / N) * N * s.blocks * s.bsize));
    expect(usage?.free).toBeGreaterThan(0);
    expect(usage?.used).toBeGreaterThan(0);
  });

  it("offers only what every upstream has: no about over memory, cleanUp always", async () => {
    const memory = () => `':memory:ec-base-${Math.random()}'`;
    const remotes = [memory(), memory(), memory()].join(" ");
    const fs = await open(`:erasure,remotes=${quoteValue(remotes)},data_shards=2,parity_shards=1:`);
    expect(fs.features.about).toBeUndefined();
    expect(typeof fs.features.copy).toBe("function");
    expect(typeof fs.features.cleanUp).toBe("function");
  });

  it("copies server-side between two roots of the same upstreams", async () => {
    tree = await makeErasureTree({ "a/f.bin": 2503 });
    const from = await open(`${tree.spec}a`);
    const to = await open(`${tree.spec}b`);
    const kinds: ServerSideKind[] = [];
    const copied = await copyFile(await from.newObject("f.bin"), to, "g.bin", { onServerSide: (k) => kinds.push(k) });
    expect(kinds).toEqual(["copy"]);
    expect(Buffer.from(await toBytes(await copied.open()))).toEqual(tree.contents.get("a/f.bin"));
  });
});
