/** The Reed–Solomon codec on both kernels: any k of n shards give back the data, bad arguments are refused. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { type ReedSolomon, reedSolomon } from "../../src/overlays/erasure/rs/index.js";

const LENGTHS = [0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 65, 100, 255, 1000, 1027];

describe.each(["wasm", "js"] as const)("reedSolomon (%s kernel)", (kernel) => {
  const codecs = new Map<string, Promise<ReedSolomon>>();
  const codec = (k: number, m: number) => {
    const key = `${k},${m}`;
    if (!codecs.has(key)) codecs.set(key, reedSolomon(k, m, { kernel }));
    return codecs.get(key) as Promise<ReedSolomon>;
  };

  /** k, m with k + m ≤ 40, a shard length, a data seed, and the shards to lose (at most m). */
  const cases = fc.record({ k: fc.integer({ min: 1, max: 39 }), extra: fc.nat() }).chain(({ k, extra }) => {
    const m = extra % (41 - k);
    return fc.record({
      k: fc.constant(k),
      m: fc.constant(m),
      length: fc.oneof(fc.constantFrom(...LENGTHS), fc.integer({ min: 0, max: 600 })),
      seed: fc.nat(),
      lost: fc.shuffledSubarray(
        Array.from({ length: k + m }, (_, i) => i),
        { maxLength: m },
      ),
      dataOnly: fc.boolean(),
    });
  });

  it("rebuilds every lost shard from any k survivors", async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ k, m, length, seed, lost, dataOnly }) => {
        const rs = await codec(k, m);
        const random = seededRandom(seed);
        const bytes = Buffer.allocUnsafe(k * length).map(() => random() * 256);
        // Views into one buffer, so shards start at arbitrary byte offsets.
        const data = Array.from(
          { length: k },
          (_, j) => new Uint8Array(bytes.buffer, bytes.byteOffset + j * length, length),
        );
        const parity = Array.from({ length: m }, () => new Uint8Array(length).fill(0xa5));
        rs.encode(data, parity);
        const shards = [...data, ...parity];
        const damaged = shards.map((s, i) => (lost.includes(i) ? undefined : s));
        const rebuilt = rs.reconstruct(damaged, { dataOnly });
        for (let i = 0; i < k + m; i++) {
          if (dataOnly && i >= k && lost.includes(i)) expect(rebuilt[i]).toBeUndefined();
          else expect(Buffer.compare(rebuilt[i] as Uint8Array, shards[i] as Uint8Array), `shard ${i}`).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("survives every pattern of up to m losses for (6, 3)", async () => {
    const rs = await codec(6, 3);
    const random = seededRandom(63);
    const data = Array.from({ length: 6 }, () => Uint8Array.from({ length: 45 }, () => random() * 256));
    const parity = Array.from({ length: 3 }, () => new Uint8Array(45));
    rs.encode(data, parity);
    const shards = [...data, ...parity];
    for (let mask = 0; mask < 1 << 9; mask++) {
      const lost = shards.map((_, i) => (mask >> i) & 1).filter(Boolean).length;
      if (lost > 3) continue;
      const rebuilt = rs.reconstruct(shards.map((s, i) => ((mask >> i) & 1 ? undefined : s)));
      rebuilt.forEach((s, i) => {
        expect(Buffer.compare(s, shards[i] as Uint8Array), `lost ${mask.toString(2)}`).toBe(0);
      });
    }
  });

  it("returns the shards as given when none is missing", async () => {
    const rs = await codec(3, 2);
    const shards = Array.from({ length: 5 }, (_, i) => new Uint8Array(7).fill(i));
    const out = rs.reconstruct(shards);
    shards.forEach((s, i) => {
      expect(out[i]).toBe(s);
    });
  });

  it("encodes with no parity shards (m = 0)", async () => {
    const rs = await codec(4, 0);
    const data = Array.from({ length: 4 }, () => new Uint8Array(9));
    rs.encode(data, []);
    expect(rs.reconstruct(data)).toEqual(data);
  });

  it("throws a RangeError with fewer than k shards", async () => {
    const rs = await codec(4, 2);
    const s = () => new Uint8Array(8);
    expect(() => rs.reconstruct([s(), undefined, s(), undefined, s(), undefined])).toThrow(RangeError);
    expect(() => rs.reconstruct([undefined, undefined, undefined, undefined, s(), s()], { dataOnly: true })).toThrow(
      RangeError,
    );
  });

  it("throws a RangeError on wrong counts or differing lengths", async () => {
    const rs = await codec(2, 1);
    const s = (n = 8) => new Uint8Array(n);
    expect(() => rs.encode([s()], [s()])).toThrow(RangeError);
    expect(() => rs.encode([s(), s()], [])).toThrow(RangeError);
    expect(() => rs.encode([s(), s(9)], [s()])).toThrow(RangeError);
    expect(() => rs.encode([s(), s()], [s(9)])).toThrow(RangeError);
    expect(() => rs.reconstruct([s(), s()])).toThrow(RangeError);
    expect(() => rs.reconstruct([s(), s(9), undefined])).toThrow(RangeError);
  });

  it("refuses impossible shapes", async () => {
    for (const [k, m] of [
      [0, 2],
      [2, -1],
      [200, 57],
      [1.5, 1],
    ] as const) {
      await expect(reedSolomon(k, m, { kernel })).rejects.toThrow(RangeError);
    }
    await expect(reedSolomon(255, 1, { kernel })).resolves.toBeDefined();
  });
});
