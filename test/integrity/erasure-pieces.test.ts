/**
 * Property: whatever the placement of bad pieces, as long as no segment has more than m of them,
 * an erasure file reads exactly (whole and ranged), `verify` names every bad piece by shard and
 * segment, and `rebuild` rewrites exactly the damaged shards, after which every shard is byte for
 * byte what the upload wrote. Damage: flipped bits in pieces, headers and trailers, shards cut
 * short (every piece from the cut on is missing) and shards removed; a bad header costs every
 * piece of its shard, and the trailers count as one more segment.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setLogLevel } from "../../src/fs/log.js";
import { Layout } from "../../src/overlays/erasure/format.js";
import { rebuildErasure } from "../../src/overlays/erasure/rebuild.js";
import { type FileCheck, verifyErasure } from "../../src/overlays/erasure/verify.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import {
  erasureSpec,
  memoryRemotes,
  openErasure,
  putFile,
  readFile,
  readShards,
  removeShard,
  writeShard,
} from "./erasure-shards.js";

setLogLevel("ERROR");

type Damage =
  | { kind: "flip"; shard: number; segment: number; at: number; bit: number }
  | { kind: "cut"; shard: number; segment: number; at: number }
  | { kind: "header"; shard: number; at: number; bit: number }
  | { kind: "trailer"; shard: number; at: number; bit: number }
  | { kind: "missing"; shard: number };

interface Case {
  k: number;
  m: number;
  segmentSize: number;
  size: number;
  damage: Damage[];
  ranges: [number, number][];
}

const SHAPES: readonly (readonly [number, number])[] = [
  [4, 2],
  [3, 3],
  [2, 1],
  [1, 2],
];

const cases: fc.Arbitrary<Case> = fc
  .record({
    shape: fc.constantFrom(...SHAPES),
    segmentSize: fc.constantFrom(100, 1000),
    size: fc.oneof(fc.constantFrom(0, 1, 100, 1000), fc.integer({ min: 0, max: 4500 })),
  })
  .chain(({ shape: [k, m], segmentSize, size }) => {
    const n = k + m;
    const segments = Math.ceil(size / segmentSize);
    const shard = fc.integer({ min: 0, max: n - 1 });
    const at = fc.nat({ max: 10_000 });
    const bit = fc.integer({ min: 0, max: 7 });
    // Damage to whole shards first; a cut at `segments` falls in the trailer (every piece is there).
    const whole: fc.Arbitrary<Damage> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("cut" as const),
          shard,
          segment: fc.integer({ min: 0, max: segments }),
          at,
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("header" as const), shard, at, bit }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("trailer" as const), shard, at, bit }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("missing" as const), shard }) },
    );
    // Then up to m flipped pieces in every segment, as many as the budget leaves room for.
    const indices = Array.from({ length: n }, (_, i) => i);
    const flips = fc
      .array(
        fc.tuple(fc.integer({ min: 0, max: m }), fc.shuffledSubarray(indices, { minLength: n, maxLength: n }), at, bit),
        { minLength: segments, maxLength: segments },
      )
      .map((rows) =>
        rows.flatMap(([count, order, at, bit], segment) =>
          order.slice(0, count).map((shard): Damage => ({ kind: "flip", shard, segment, at: at + 7 * shard, bit })),
        ),
      );
    return fc.record({
      k: fc.constant(k),
      m: fc.constant(m),
      segmentSize: fc.constant(segmentSize),
      size: fc.constant(size),
      damage: fc
        .tuple(fc.array(whole, { maxLength: m + 2 }), flips)
        .map(([w, f]) => withinBudget([...w, ...f], k, m, size, segmentSize)),
      ranges: fc.array(fc.tuple(fc.nat({ max: size }), fc.nat({ max: size })), { maxLength: 3 }),
    });
  });

/** What one shard suffers once the damage is applied. */
interface ShardFate {
  missing: boolean;
  headerBad: boolean;
  trailerBad: boolean;
  /** The segment from which pieces are gone (the trailer's when only it is cut). */
  cutAt?: number;
  /** Segments with a flipped piece, before any cut. */
  flipped: Set<number>;
}

function fates(damage: Damage[], n: number): ShardFate[] {
  const out = Array.from(
    { length: n },
    (): ShardFate => ({
      missing: false,
      headerBad: false,
      trailerBad: false,
      flipped: new Set(),
    }),
  );
  for (const d of damage) {
    const f = out[d.shard] as ShardFate;
    if (d.kind === "missing") f.missing = true;
    if (d.kind === "header") f.headerBad = true;
    if (d.kind === "trailer") f.trailerBad = true;
    if (d.kind === "flip") f.flipped.add(d.segment);
    if (d.kind === "cut") f.cutAt = Math.min(f.cutAt ?? d.segment, d.segment);
  }
  return out;
}

/**
 * Keeps each damage in order only while no segment has more than m shards without a good piece.
 * The trailers count as one more segment: a rebuild needs one to check what it decoded.
 */
function withinBudget(damage: Damage[], k: number, m: number, size: number, segmentSize: number): Damage[] {
  const segments = Math.ceil(size / segmentSize);
  const kept: Damage[] = [];
  for (const d of damage) {
    const f = fates([...kept, d], k + m);
    const over = Array.from({ length: segments + 1 }, (_, j) => j).some(
      (j) =>
        f.filter(
          (s) =>
            s.missing ||
            s.headerBad ||
            (s.cutAt !== undefined && s.cutAt <= j) ||
            s.flipped.has(j) ||
            (j === segments && s.trailerBad),
        ).length > m,
    );
    if (!over) kept.push(d);
  }
  return kept;
}

/** Applies the damage to the shards' bytes (undefined: the shard is removed). */
function damaged(originals: Buffer[], damage: Damage[], layout: Layout): (Buffer | undefined)[] {
  const out = originals.map((b) => Buffer.from(b));
  let cuts = originals.map((b) => b.length);
  for (const d of damage) {
    const b = out[d.shard] as Buffer;
    if (d.kind === "flip") {
      const span = layout.pieceLength(d.segment) + 32;
      b[layout.pieceOffset(d.segment) + (d.at % span)] ^= 1 << d.bit;
    } else if (d.kind === "header") {
      b[d.at % 64] ^= 1 << d.bit;
    } else if (d.kind === "trailer") {
      b[b.length - 96 + (d.at % 96)] ^= 1 << d.bit;
    } else if (d.kind === "cut") {
      const span = d.segment < layout.segments ? layout.pieceLength(d.segment) + 32 : 96;
      const cut = (d.segment < layout.segments ? layout.pieceOffset(d.segment) : b.length - 96) + (d.at % span);
      cuts = cuts.map((c, i) => (i === d.shard ? Math.min(c, cut) : c));
    }
  }
  const missing = new Set(damage.flatMap((d) => (d.kind === "missing" ? [d.shard] : [])));
  return out.map((b, i) => (missing.has(i) ? undefined : b.subarray(0, cuts[i])));
}

/** What verify must say of each shard. */
function expected(f: ShardFate, segments: number): unknown {
  if (f.missing) return "missing";
  const cutAt = f.cutAt !== undefined && f.cutAt < segments ? f.cutAt : undefined;
  const bad = [...f.flipped].filter((j) => cutAt === undefined || j < cutAt).sort((a, b) => a - b);
  if (f.headerBad) return { header: false };
  if (!f.trailerBad && f.cutAt === undefined && bad.length === 0) return "ok";
  return { header: true, badSegments: bad, cutAt };
}

function observed(c: FileCheck["shards"][number]): unknown {
  if (c.state !== "bad") return c.state;
  if (!c.header) return { header: false };
  return { header: true, badSegments: c.badSegments, cutAt: c.cutAt };
}

describe("erasure: any placement of at most m bad pieces per segment", () => {
  it("reads exactly, verify names each bad piece, rebuild restores every shard byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const spec = erasureSpec(memoryRemotes(c.k + c.m), c.k, `${c.segmentSize}b`);
        const data = seededBytes(`pieces ${c.size}`, c.size);
        const fs = await openErasure(spec);
        await putFile(fs, "f.bin", data);
        const originals = (await readShards(fs, "f.bin")) as Buffer[];
        const layout = new Layout(c.size, c.k, c.segmentSize);
        for (const [i, bytes] of damaged(originals, c.damage, layout).entries()) {
          if (bytes === undefined) await removeShard(fs, "f.bin", i);
          else if (!bytes.equals(originals[i] as Buffer)) await writeShard(fs, "f.bin", i, bytes);
        }

        expect((await readFile(await openErasure(spec), "f.bin")).equals(data)).toBe(true);
        for (const [a, b] of c.ranges) {
          const [offset, end] = [Math.min(a, b), Math.max(a, b)];
          const got = await readFile(await openErasure(spec), "f.bin", offset, end - offset);
          expect(got.equals(data.subarray(offset, end)), `range ${offset}-${end}`).toBe(true);
        }

        const files: FileCheck[] = [];
        const report = await verifyErasure(await openErasure(spec), { onFile: (f) => files.push(f) });
        const shardFates = fates(c.damage, c.k + c.m);
        expect(report.unreadable).toEqual([]);
        expect(files[0]?.shards.map(observed)).toEqual(shardFates.map((f) => expected(f, layout.segments)));

        const damagedShards = shardFates.flatMap((f, i) => (expected(f, layout.segments) === "ok" ? [] : [i]));
        const rebuilt = await rebuildErasure(await openErasure(spec));
        expect(rebuilt.rebuilt).toEqual(damagedShards.length > 0 ? [{ remote: "f.bin", shards: damagedShards }] : []);
        expect(await readShards(fs, "f.bin")).toEqual(originals);
        const after = await verifyErasure(await openErasure(spec));
        expect(after).toMatchObject({ degraded: [], unreadable: [] });
      }),
      { seed: 15_003, numRuns: 60 },
    );
  }, 120_000);
});
