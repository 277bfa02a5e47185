/**
 * The erasure code is a stored format: known-answer vectors pin its parity bytes, a from-the-definition
 * reference pins its matrix, and the two kernels must agree byte for byte on every shape and length.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seededBytes } from "../../bench/workloads.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { reedSolomon } from "../../src/overlays/erasure/rs/index.js";
import { encodingMatrix } from "../../src/overlays/erasure/rs/matrix.js";
import { referenceEncode, referenceRow } from "./rs-reference.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** Parity of k seeded 64-byte data shards ("rs-kat k+m j", bench/workloads.ts seededBytes). Never update these. */
const VECTORS = [
  {
    k: 4,
    m: 2,
    data: "58eefa1cb7c4bf100d62ee6b4f9fc8a097a524ad2ec83b1e1d98f76f11e4691b",
    parity: [
      "662ac94f3dda177d6e684feaf4fefa06c78379bf65266075b4a2087cde1a3608",
      "f1cdf36647dcc1743062af7a531619928b1d266a6aee9141e22897b2f70fe4ab",
    ],
  },
  {
    k: 10,
    m: 4,
    data: "71f3d000ef67c8af69adb395619d5e5db6c4c44feac568cd48e6721e124c1178",
    parity: [
      "ce4b08eae2de58992052b01bc6aeefc02e454c41a55c4675a3c3fefd0c5d1e9e",
      "0a66dbb99636b03cb8798119b4ee345113248a6903587899d8e92024749063b5",
      "a8e7f5c4a622ccd055dd8becef2c65d9b75bb53f9610db6178d61252eaed52c3",
      "f652df60e4b71a140fba98fd1215b19b7d212173c9b6f67b7ca528568dd083b9",
    ],
  },
];

describe.each(["wasm", "js"] as const)("known answers (%s kernel)", (kernel) => {
  it.each(VECTORS)("($k, $m) parity of 64-byte shards", async ({ k, m, data: dataHash, parity: parityHashes }) => {
    const data = Array.from({ length: k }, (_, j) => new Uint8Array(seededBytes(`rs-kat ${k}+${m} ${j}`, 64)));
    expect(sha256(Buffer.concat(data)), "the seeded input changed, not the code").toBe(dataHash);
    const parity = Array.from({ length: m }, () => new Uint8Array(64));
    (await reedSolomon(k, m, { kernel })).encode(data, parity);
    expect(parity.map(sha256)).toEqual(parityHashes);
  });
});

describe("encoding matrix", () => {
  it("matches the definition for every k + m ≤ 16 and for (29, 51)", () => {
    const shapes: [number, number][] = [[29, 51]];
    for (let n = 1; n <= 16; n++) for (let k = 1; k <= n; k++) shapes.push([k, n - k]);
    for (const [k, m] of shapes) {
      const { data } = encodingMatrix(k, m);
      for (let i = 0; i < k + m; i++) expect([...data.subarray(i * k, (i + 1) * k)]).toEqual(referenceRow(k, i));
    }
  });

  it("gives the reference parity for random small shapes", async () => {
    const random = seededRandom(7);
    for (let run = 0; run < 20; run++) {
      const k = 1 + Math.floor(random() * 8);
      const m = Math.floor(random() * 6);
      const data = Array.from({ length: k }, () => Uint8Array.from({ length: 37 }, () => random() * 256));
      const parity = Array.from({ length: m }, () => new Uint8Array(37));
      (await reedSolomon(k, m, { kernel: "js" })).encode(data, parity);
      expect(parity).toEqual(referenceEncode(data, m));
    }
  });
});

describe("kernels", () => {
  // Lengths around the WebAssembly kernel's 16-byte vectors and its blocks (a few KiB to 64 KiB per shard).
  const SHAPES: [number, number, number[]][] = [
    [1, 1, [0, 1, 16, 65_536 + 17]],
    [4, 2, [1, 31, 33, 65_535, 200_003]],
    [10, 4, [17, 4097, 100_001]],
    [3, 7, [5, 20_000]],
    [29, 51, [15, 25_001]],
  ];

  it.each(SHAPES)("wasm and js agree on (%i, %i) for encode and reconstruct", async (k, m, lengths) => {
    const wasm = await reedSolomon(k, m, { kernel: "wasm" });
    const js = await reedSolomon(k, m, { kernel: "js" });
    const random = seededRandom(k * 1000 + m);
    for (const length of lengths) {
      // One byte in, so no shard is aligned.
      const bytes = Buffer.from(seededBytes(`kernels ${k}+${m} ${length}`, 1 + (k + m) * length));
      const shard = (i: number) => new Uint8Array(bytes.buffer, bytes.byteOffset + 1 + i * length, length);
      const data = Array.from({ length: k }, (_, j) => shard(j));
      const byWasm = Array.from({ length: m }, (_, i) => shard(k + i));
      const byJs = Array.from({ length: m }, () => new Uint8Array(length));
      wasm.encode(data, byWasm);
      js.encode(data, byJs);
      for (let i = 0; i < m; i++) {
        expect(Buffer.compare(byWasm[i] as Uint8Array, byJs[i] as Uint8Array), `parity ${i}, length ${length}`).toBe(0);
      }

      const shards: (Uint8Array | undefined)[] = [...data, ...byWasm];
      for (let lost = 0; lost < Math.min(m, 3); lost++) shards[Math.floor(random() * (k + m))] = undefined;
      const a = wasm.reconstruct(shards);
      const b = js.reconstruct(shards);
      for (let i = 0; i < k + m; i++) {
        expect(Buffer.compare(a[i] as Uint8Array, b[i] as Uint8Array), `shard ${i}, length ${length}`).toBe(0);
      }
    }
  });
});
