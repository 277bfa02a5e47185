/**
 * erasure over failing upstreams: any m of n lost, bad pieces, too many lost, failure-domain groups
 * (docs/erasure-format.md). The long tail (slow upstreams) is in long-tail.test.ts.
 */
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { FsError, isFsError } from "../../src/fs/errors.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { setLogLevel } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { type ErasureOptions, planErasure } from "../../src/overlays/erasure/options.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { makeTree, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const tempDir = tempDirs("strata-ec-faults-");
setLogLevel("ERROR");

const quoted = (remotes: string[]) => remotes.map((r) => `'${r}'`).join(" ");
const erasureSpec = (remotes: string[], k: number, extra = "") =>
  `:erasure,remotes=${quoteValue(quoted(remotes))},data_shards=${k},parity_shards=${remotes.length - k},segment_size=1000b${extra}:`;

const TREE: Record<string, Buffer> = {
  "empty.bin": Buffer.alloc(0),
  "one.bin": seededBytes("one", 1),
  "seg.bin": seededBytes("seg", 1000),
  "odd.bin": seededBytes("odd", 3999),
  "dir/multi.bin": seededBytes("multi", 10_007),
  "dir/deeper/big.bin": seededBytes("big", 70_000),
};

async function writeTree(fs: Fs): Promise<void> {
  for (const [remote, data] of Object.entries(TREE)) {
    await fs.put(fromBytes(data, 777), { remote, size: data.length, modTime: new Date("2024-01-02T03:04:05Z") });
  }
}

async function expectTree(fs: Fs): Promise<void> {
  for (const [remote, data] of Object.entries(TREE)) {
    const got = await toBytes(await (await fs.newObject(remote)).open());
    expect(sha256(got), remote).toBe(sha256(data));
  }
}

/** Every file of a shard directory, recursively. */
function shardFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe("erasure(6 × local, 4+2): losses", () => {
  const upstreams = Array.from({ length: 6 }, () => tempDir());
  const spec = erasureSpec(upstreams, 4);
  const plain = makeTree(Object.fromEntries(Object.entries(TREE)));

  it("any 2 upstream directories lost (all 15 pairs): every file reads exactly and check is clean", async () => {
    await writeTree(await newFs(spec, createContext()));
    for (let a = 0; a < 6; a++) {
      for (let b = a + 1; b < 6; b++) {
        const gone = [a, b].map((i) => upstreams[i] as string);
        for (const d of gone) renameSync(d, `${d}.away`);
        try {
          await expectTree(await newFs(spec, createContext()));
          const res = await strata(["check", plain, spec]);
          expect(res.code, `${a},${b}: ${res.stderr}`).toBe(0);
        } finally {
          for (const d of gone) renameSync(`${d}.away`, d);
        }
      }
    }
  }, 60_000);

  it("bytes flipped in 2 shards of a file: the read still returns the right bytes", async () => {
    const fs = await newFs(spec, createContext());
    for (const i of [0, 3]) {
      const [file] = shardFiles(join(upstreams[i] as string, "dir/deeper"));
      const bytes = readFileSync(file as string);
      bytes[100 + i] = (bytes[100 + i] as number) ^ 0xff;
      writeFileSync(file as string, bytes);
    }
    await expectTree(fs);
    const part = await toBytes(await (await fs.newObject("dir/deeper/big.bin")).open({ offset: 65_000, length: 3000 }));
    expect(sha256(part)).toBe(sha256((TREE["dir/deeper/big.bin"] as Buffer).subarray(65_000, 68_000)));
  });

  it("3 shards lost: a typed error naming the file", async () => {
    const copy = upstreams.map(() => tempDir());
    for (const [i, d] of upstreams.entries()) cpSync(d, copy[i] as string, { recursive: true });
    for (const i of [1, 2, 5]) rmSync(join(copy[i] as string, "odd.bin.3999"), { force: true });
    for (const i of [1, 2, 5]) {
      for (const f of shardFiles(copy[i] as string)) if (f.includes("odd.bin.")) rmSync(f);
    }
    const fs = await newFs(erasureSpec(copy, 4), createContext());
    const err = await fs.newObject("odd.bin").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFsError(err, "ObjectNotFound")).toBe(true);
    // With the shards there but 3 of them damaged, the read itself fails.
    for (const [i, d] of upstreams.entries()) cpSync(d, copy[i] as string, { recursive: true });
    for (const i of [0, 1, 2]) {
      for (const f of shardFiles(copy[i] as string)) {
        if (!f.includes("seg.bin.")) continue;
        const bytes = readFileSync(f);
        bytes[70] = (bytes[70] as number) ^ 1;
        writeFileSync(f, bytes);
      }
    }
    const obj = await (await newFs(erasureSpec(copy, 4), createContext())).newObject("seg.bin");
    const readErr = await obj
      .open()
      .then(toBytes)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(readErr).toBeInstanceOf(FsError);
    expect(isFsError(readErr, "Corrupt")).toBe(true);
    expect(String(readErr)).toContain("seg.bin");
  });
});

describe("erasure: failure-domain groups", () => {
  const options = (remotes: string[], extra: Partial<ErasureOptions>): ErasureOptions => ({
    remotes: quoted(remotes),
    data_shards: 5,
    parity_shards: 4,
    happy: 0,
    optimal: 0,
    download_extra: 0,
    segment_size: 1000,
    groups: "",
    redundant_groups: 0,
    redundant_nodes: 0,
    ...extra,
  });
  const nine = Array.from({ length: 9 }, () => tempDir());
  const groups = [nine.slice(0, 3), nine.slice(3, 6), nine.slice(6, 9)].map(quoted).join(" ; ");

  it("3 groups × 3 with redundant_groups=1, redundant_nodes=1: a whole group plus one more remote may go", async () => {
    const extra = `,groups=${quoteValue(groups)},redundant_groups=1,redundant_nodes=1`;
    const spec = erasureSpec(nine, 5, extra);
    await writeTree(await newFs(spec, createContext()));
    const gone = [nine[3], nine[4], nine[5], nine[7]] as string[];
    for (const d of gone) renameSync(d, `${d}.away`);
    try {
      await expectTree(await newFs(spec, createContext()));
    } finally {
      for (const d of gone) renameSync(`${d}.away`, d);
    }
  });

  it("a placement that cannot survive the stated losses is refused, saying why", () => {
    expect(() =>
      planErasure(options(nine, { data_shards: 6, parity_shards: 3, groups, redundant_groups: 1, redundant_nodes: 1 })),
    ).toThrow(
      /option "redundant_nodes" cannot be met: the 9 shards of a file .* over 3 group\(s\) of 3, 3, 3 remote\(s\) put 3, 3, 3 in them; losing the 1 group\(s\) holding most \(3 shards\) and 1 more remote\(s\) \(1 shards\) loses 4 shards, but parity_shards is 3/,
    );
    expect(() => planErasure(options(nine, { groups, redundant_groups: 4 }))).toThrow(
      /option "redundant_groups" is 4, but there are only 3 groups/,
    );
    expect(() =>
      planErasure(options(nine, { groups: `${quoted(nine.slice(0, 3))} ; ${quoted(nine.slice(2, 4))}` })),
    ).toThrow(/option "groups" puts .* in two groups/);
    expect(() => planErasure(options(nine, { groups: "'/not/listed'" }))).toThrow(
      /option "groups" names "\/not\/listed"/,
    );
  });
});
