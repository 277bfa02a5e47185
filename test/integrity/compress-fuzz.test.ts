/**
 * Fuzzing compress's stored form (fast-check, seeded, bounded runs): metadata with fields replaced by
 * random values of any JSON type or by random bytes, and gzip/zstd/stored data with flipped bytes or
 * cut short. Every listing and whole read either gives exactly the original content or fails with a
 * typed `FsError` naming the file whose text is strata's own (a zlib or Node message stays in the
 * cause); never wrong bytes with success, never an untyped error, never a hang.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { type FsError, isFsError } from "../../src/fs/errors.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import { compressibleText, seededBytes } from "../compress/tree.js";

const MiB = 1 << 20;
const MTIME = new Date("2025-10-10T10:10:10Z");
const RUNS = 50;
let n = 0;

type Kind = "gzip" | "zstd" | "stored";
interface Stored {
  content: Buffer;
  mode: "gzip" | "zstd";
  dataName: string;
  data: Buffer;
  meta: Buffer;
}
const stored = new Map<Kind, Stored>();

const options = (mode: "gzip" | "zstd") => ({ remote: "x", mode, level: -1, ram_cache_limit: 20 * MiB });
const memory = () => newFs(`:memory:compress-fuzz-${n++}`, createContext());

beforeAll(async () => {
  const inputs: [Kind, "gzip" | "zstd", Buffer][] = [
    ["gzip", "gzip", compressibleText("fuzz-gz", MiB + 4000)],
    ["zstd", "zstd", compressibleText("fuzz-zst", MiB + 4000)],
    ["stored", "gzip", seededBytes("fuzz-bin", 5000)],
  ];
  for (const [kind, mode, content] of inputs) {
    const raw = await memory();
    await new CompressFs(":compress", "", raw, options(mode)).put(fromBytes(content), {
      remote: "f",
      size: content.length,
      modTime: MTIME,
    });
    const objs = (await raw.list("")).filter((e) => e.kind === "file");
    const read = async (name: string) => {
      const o = objs.find((e) => e.remote === name);
      if (o?.kind !== "file") throw new Error(`${name} missing`);
      return Buffer.from(await toBytes(await o.open()));
    };
    const dataName = objs.map((o) => o.remote).find((r) => r !== "f.json") as string;
    stored.set(kind, { content, mode, dataName, data: await read(dataName), meta: await read("f.json") });
  }
});

/** What the overlay makes of a wrapped remote holding `data` and `meta` for `f`. */
async function outcome(s: Stored, data: Uint8Array, meta: Uint8Array): Promise<void> {
  const raw = await memory();
  await raw.put(fromBytes(data), { remote: s.dataName, size: data.length, modTime: MTIME });
  await raw.put(fromBytes(meta), { remote: "f.json", size: meta.length, modTime: MTIME });
  const fs: Fs = new CompressFs(":compress", "", raw, options(s.mode));
  const attempts = [async () => (await fs.list("")).find((e) => e.remote === "f"), async () => fs.newObject("f")];
  for (const find of attempts) {
    let got: Buffer | undefined;
    try {
      const obj = await find();
      if (obj?.kind === "file") got = Buffer.from(await toBytes(await obj.open()));
    } catch (err) {
      expectTypedNamingFile(err);
    }
    if (got) expect(got.equals(s.content), "a read that succeeds gives the original content").toBe(true);
  }
}

function expectTypedNamingFile(err: unknown): void {
  expect(isFsError(err), `untyped: ${String(err)}`).toBe(true);
  const e = err as FsError;
  expect(e.path, e.message).toBe("f");
  const cause = e.cause instanceof Error ? e.cause.message : undefined;
  if (cause) expect(e.message, "the cause's text is not repeated").not.toContain(cause);
}

/** Any JSON value, small. */
const anyJson = fc.oneof(
  fc.integer({ min: -3, max: 3 * MiB }),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -5, max: 2 ** 33 }), { maxLength: 6 }),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.integer(), { maxKeys: 3 }),
);

/** The metadata as JSON with some of its fields (top level or block metadata) replaced or removed. */
const editedMeta = (s: Stored) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          "Mode",
          "Size",
          "MD5",
          "MimeType",
          "CompressionMetadata",
          "CompressionMetadataZstd",
          "BlockSize",
          "BlockData",
          "blockdata",
          "BlockData[]",
        ),
        fc.option(anyJson, { nil: undefined }),
        fc.nat(),
      ),
      { minLength: 1, maxLength: 3 },
    )
    .map((edits) => {
      const meta = JSON.parse(s.meta.toString("utf8"));
      const blocks = meta.CompressionMetadata ?? meta.CompressionMetadataZstd ?? {};
      for (const [key, value, at] of edits) {
        if (key === "BlockData[]") {
          const list = blocks.BlockData;
          if (Array.isArray(list) && list.length > 0) list[at % list.length] = value;
          continue;
        }
        const target = key.startsWith("Block") || key === "blockdata" ? blocks : meta;
        if (value === undefined) delete target[key];
        else target[key] = value;
      }
      return Buffer.from(JSON.stringify(meta));
    });

describe("compress fuzz", () => {
  for (const kind of ["gzip", "zstd", "stored"] as const) {
    it(`${kind}: metadata with random fields or random bytes`, async () => {
      const s = stored.get(kind) as Stored;
      await fc.assert(
        fc.asyncProperty(fc.oneof(editedMeta(s), fc.uint8Array({ maxLength: 300 })), (meta) =>
          outcome(s, s.data, meta),
        ),
        { seed: 1501, numRuns: RUNS },
      );
    }, 60_000);

    it(`${kind}: data with flipped bytes or cut short`, async () => {
      const s = stored.get(kind) as Stored;
      const damage = fc.oneof(
        fc
          .array(fc.tuple(fc.nat({ max: s.data.length - 1 }), fc.integer({ min: 1, max: 255 })), {
            minLength: 1,
            maxLength: 3,
          })
          .map((flips) => {
            const copy = Buffer.from(s.data);
            for (const [at, x] of flips) copy[at] = (copy[at] as number) ^ x;
            return copy;
          }),
        fc.nat({ max: s.data.length - 1 }).map((len) => s.data.subarray(0, len)),
      );
      await fc.assert(
        fc.asyncProperty(damage, (data) => outcome(s, data, s.meta)),
        { seed: 1502, numRuns: RUNS },
      );
    }, 60_000);
  }
});
