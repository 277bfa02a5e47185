/**
 * mode=zstd: a tree written through the CLI (the bundle loads the native zstd binding) is decoded by
 * Debian's `zstd -d` object by object, reads back exactly, and ranged reads open only the frames
 * holding the range.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { LayerFs } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, OpenOptions } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import { parseMeta } from "../../src/overlays/compress/meta.js";
import { makeTree, removeTree, sortedLines, strata } from "../commands/run-cli.js";
import { compressibleText, seededBytes } from "./tree.js";

const MiB = 1 << 20;
const TREE = {
  "text.txt": compressibleText("z-text", 3 * MiB + 4321),
  "exact.txt": compressibleText("z-exact", 2 * MiB),
  "small.txt": compressibleText("z-small", 3000),
  "random.bin": seededBytes("z-random", 100_000),
  "sub/more.txt": compressibleText("z-more", 1.5 * MiB),
};

const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) removeTree(r);
});
function tree(spec: Parameters<typeof makeTree>[0] = {}): string {
  const root = makeTree(spec);
  roots.push(root);
  return root;
}

/** Records the byte ranges opened on the wrapped remote. */
class RangeLog extends LayerFs {
  readonly opened: [string, number, number | undefined][] = [];
  protected override wrapRead(remote: string, body: Body, options?: OpenOptions): Body {
    this.opened.push([remote, options?.offset ?? 0, options?.length]);
    return body;
  }
}

describe("compress mode=zstd", () => {
  const src = tree(TREE);
  const dst = tree();

  it("writes through the CLI; Debian's zstd decodes every .zst object", async () => {
    const res = await strata(["copy", src, `:compress,remote=${dst},mode=zstd:`]);
    expect(res.code, res.stderr).toBe(0);
    const zst: string[] = [];
    const visit = (dir: string, rel: string) => {
      for (const d of readdirSync(dir, { withFileTypes: true })) {
        const path = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) visit(join(dir, d.name), path);
        else if (d.name.endsWith(".zst")) zst.push(path);
      }
    };
    visit(dst, "");
    expect(zst.length).toBe(4);
    for (const path of zst) {
      const name = path.replace(/\.[A-Za-z0-9_-]{11}\.zst$/, "");
      const out = execFileSync("zstd", ["-d", "-c", "-q", join(dst, path)], { maxBuffer: 64 * MiB });
      expect(out.equals(TREE[name as keyof typeof TREE] as Buffer), path).toBe(true);
      const meta = parseMeta(readFileSync(join(dst, `${name}.json`)));
      expect(typeof meta !== "string" && meta.Mode).toBe(4);
    }
    const check = await strata(["check", "--download", src, `:compress,remote=${dst}:`]);
    expect(check.code, check.stderr).toBe(0);
    const [a, b] = await Promise.all([strata(["md5sum", src]), strata(["md5sum", `:compress,remote=${dst}:`])]);
    expect(sortedLines(b.stdout)).toEqual(sortedLines(a.stdout));
  });

  it("ranged reads open only the frames that hold the range", async () => {
    const log = new RangeLog(await newFs(dst, createContext()));
    const fs = new CompressFs(":compress", "", log, { remote: dst, mode: "zstd", level: -1, ram_cache_limit: MiB });
    const obj = await fs.newObject("text.txt");
    const meta = parseMeta(readFileSync(join(dst, "text.txt.json")));
    if (typeof meta === "string") throw new Error(meta);
    const offsets = meta.blocks?.BlockData as number[];
    const text = TREE["text.txt"];
    for (const [offset, length, frames] of [
      [MiB - 10, 10, [0, 0]],
      [MiB, 64, [1, 1]],
      [MiB - 5, 10, [0, 1]],
      [3 * MiB + 100, 64, [3, 3]],
      [2 * MiB + 7, 2 * MiB, [2, 3]],
    ] as [number, number, [number, number]][]) {
      log.opened.length = 0;
      const got = await toBytes(await obj.open({ offset, length }));
      expect(Buffer.from(got).equals(text.subarray(offset, offset + length)), `${offset}+${length}`).toBe(true);
      const [first, last] = frames;
      expect(log.opened.filter((o) => o[0].endsWith(".zst"))).toEqual([
        [
          expect.stringMatching(/^text\.txt\./),
          offsets[first],
          (offsets[last + 1] as number) - (offsets[first] as number),
        ],
      ]);
    }
  });
});
