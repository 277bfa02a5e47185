/**
 * Fuzz: shard headers and trailers with random field values (their checksum recomputed, so only
 * the field checks and the vote across shards stand in the way), random bytes, shards cut short,
 * grown or replaced by garbage. Every read, hash, verify and rebuild must end with the right bytes
 * or a typed FsError naming the file: never other bytes with success, never a raw Node error, never
 * a hang. With at most m shards touched, everything must succeed and rebuild restore every byte.
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { setLogLevel } from "../../src/fs/log.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import {
  erasureSpec,
  memoryRemotes,
  openErasure,
  putFile,
  readFile,
  readShards,
  removeShard,
  resealHeader,
  resealTrailer,
  writeShard,
} from "./erasure-shards.js";

setLogLevel("ERROR");

const K = 4;
const M = 2;
const N = K + M;
const SEGMENT = 100;

type Mutation =
  | { on: "header"; offset: number; bytes: Uint8Array }
  | { on: "trailer"; offset: number; bytes: Uint8Array }
  | { on: "headerBytes" | "trailerBytes"; bytes: Uint8Array }
  | { on: "cut"; at: number }
  | { on: "append"; bytes: Uint8Array }
  | { on: "garbage"; bytes: Uint8Array };

const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};

/** A header field (offset, new bytes): the values the checks must catch, and random ones. */
const headerField: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({ offset: fc.integer({ min: 0, max: 7 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
    fc.record({ offset: fc.constantFrom(8, 9, 10, 11), bytes: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
    fc.record({
      offset: fc.constant(12),
      bytes: fc
        .oneof(
          fc.constantFrom(0, 1, SEGMENT - 1, SEGMENT + 1, 2 * SEGMENT, 2 ** 30, 2 ** 30 + 1, 2 ** 32 - 1),
          fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        )
        .map(u32),
    }),
    fc.record({ offset: fc.constantFrom(16, 24), bytes: fc.uint8Array({ minLength: 6, maxLength: 8 }) }),
    fc.record({ offset: fc.constantFrom(30, 31), bytes: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
  )
  .map((f) => ({ on: "header" as const, ...f }));

/** A trailer field: size, segment count, MD5, SHA-1, reserved bytes. */
const trailerField: fc.Arbitrary<Mutation> = fc
  .oneof(
    fc.record({ offset: fc.constant(0), bytes: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(u64) }),
    fc.record({ offset: fc.constant(8), bytes: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(u32) }),
    fc.record({ offset: fc.constant(12), bytes: fc.uint8Array({ minLength: 16, maxLength: 16 }) }),
    fc.record({ offset: fc.constant(28), bytes: fc.uint8Array({ minLength: 20, maxLength: 20 }) }),
    fc.record({ offset: fc.integer({ min: 48, max: 63 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 1 }) }),
  )
  .map((f) => ({ on: "trailer" as const, ...f }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: headerField },
  { weight: 4, arbitrary: trailerField },
  {
    weight: 1,
    arbitrary: fc.record({
      on: fc.constant("headerBytes" as const),
      bytes: fc.uint8Array({ minLength: 64, maxLength: 64 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      on: fc.constant("trailerBytes" as const),
      bytes: fc.uint8Array({ minLength: 96, maxLength: 96 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ on: fc.constant("cut" as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ on: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ on: fc.constant("garbage" as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
  },
);

const cases = fc.record({
  size: fc.oneof(fc.constantFrom(0, 1, SEGMENT, 3 * SEGMENT + 50), fc.integer({ min: 0, max: 900 })),
  /** Shard index → its mutations (a shard may be touched several times). */
  touched: fc.array(fc.tuple(fc.integer({ min: 0, max: N - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 })), {
    minLength: 1,
    maxLength: N,
  }),
  /** Shards removed as well. */
  removed: fc.subarray([0, 1, 2, 3, 4, 5], { maxLength: 2 }),
  range: fc.tuple(fc.nat(), fc.nat()),
});

/**
 * Applies `mutations` to a shard: trailer fields first, resealed against the header as uploaded
 * (so no shard is a consistent forgery of both ends), then header fields, resealed, then the rest.
 */
function mutate(original: Buffer, mutations: Mutation[]): Buffer {
  let b = Buffer.from(original);
  const trailerAt = b.length - 96;
  for (const m of mutations) {
    if (m.on === "trailer") {
      b.set(m.bytes, trailerAt + m.offset);
      resealTrailer(b);
    }
  }
  for (const m of mutations) {
    if (m.on === "trailerBytes") b.set(m.bytes, trailerAt);
    if (m.on === "header") {
      b.set(m.bytes, m.offset);
      resealHeader(b);
    }
    if (m.on === "headerBytes") b.set(m.bytes, 0);
  }
  for (const m of mutations) {
    if (m.on === "append") b = Buffer.concat([b, m.bytes]);
    if (m.on === "cut") b = b.subarray(0, m.at % (b.length + 1));
    if (m.on === "garbage") b = Buffer.from(m.bytes);
  }
  return b;
}

/** Rejects when `work` takes longer than a generous bound: a hang is a failure of its own. */
async function within<T>(what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} hangs`)), 10_000);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work`: its value, or undefined after checking it failed with a typed error naming the file. */
async function typedOrValue<T>(what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await within(what, work());
  } catch (err) {
    expect(isFsError(err), `${what}: ${String(err)}`).toBe(true);
    expect((err as Error).message, what).toContain("f.bin");
    return undefined;
  }
}

describe("erasure 4+2: forged and random shard headers and trailers", () => {
  it("read, hash, verify and rebuild give the right bytes or a typed error naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const spec = erasureSpec(memoryRemotes(N), K, `${SEGMENT}b`);
        const data = seededBytes(`fuzz ${c.size}`, c.size);
        const fs = await openErasure(spec);
        await putFile(fs, "f.bin", data);
        const originals = (await readShards(fs, "f.bin")) as Buffer[];
        const byShard = new Map<number, Mutation[]>();
        for (const [shard, ms] of c.touched) byShard.set(shard, [...(byShard.get(shard) ?? []), ...ms]);
        for (const [shard, ms] of byShard) await writeShard(fs, "f.bin", shard, mutate(originals[shard] as Buffer, ms));
        for (const shard of c.removed) await removeShard(fs, "f.bin", shard);
        const touched = new Set([...byShard.keys(), ...c.removed]).size;

        const whole = await typedOrValue("cat", async () => readFile(await openErasure(spec), "f.bin"));
        if (whole) expect(whole.equals(data), "cat returned other bytes").toBe(true);
        const offset = c.range[0] % (c.size + 1);
        const length = c.range[1] % (c.size - offset + 1);
        const part = await typedOrValue("ranged read", async () =>
          readFile(await openErasure(spec), "f.bin", offset, length),
        );
        if (part)
          expect(part.equals(data.subarray(offset, offset + length)), "ranged read returned other bytes").toBe(true);
        const md5 = await typedOrValue("hash", async () =>
          (await (await openErasure(spec)).newObject("f.bin")).hash("md5"),
        );

        const report = await within("verify", verifyErasure(await openErasure(spec)));
        const rebuilt = await typedOrValue("rebuild", async () => rebuildErasure(await openErasure(spec)));
        const after = await typedOrValue("cat after rebuild", async () => readFile(await openErasure(spec), "f.bin"));
        if (after) expect(after.equals(data), "cat after rebuild returned other bytes").toBe(true);

        if (touched <= M) {
          expect(whole?.equals(data)).toBe(true);
          expect(md5).toBe(createHash("md5").update(data).digest("hex"));
          expect(report.unreadable).toEqual([]);
          expect(rebuilt).toBeDefined();
          expect(await readShards(fs, "f.bin")).toEqual(originals);
        }
      }),
      { seed: 15_004, numRuns: 100 },
    );
  }, 120_000);
});
