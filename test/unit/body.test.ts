import { describe, expect, it } from "vitest";
import {
  ByteReader,
  blocks,
  fromBytes,
  resolveRange,
  sameBody,
  sameBytes,
  sliceBody,
  tapBody,
  toBytes,
} from "../../src/fs/body.js";
import type { Body } from "../../src/fs/types.js";

const DATA = Uint8Array.from({ length: 100 }, (_, i) => i);

async function* chunks(...parts: number[][]): Body {
  for (const p of parts) yield Uint8Array.from(p);
}

async function collectParts(body: Body): Promise<number[][]> {
  const out: number[][] = [];
  for await (const part of body) out.push([...part]);
  return out;
}

describe("resolveRange", () => {
  it("defaults to the whole object", () => {
    expect(resolveRange(undefined, 100)).toEqual({ start: 0, end: 100 });
    expect(resolveRange({}, 100)).toEqual({ start: 0, end: 100 });
  });

  it("applies offset and length", () => {
    expect(resolveRange({ offset: 10 }, 100)).toEqual({ start: 10, end: 100 });
    expect(resolveRange({ offset: 10, length: 5 }, 100)).toEqual({ start: 10, end: 15 });
    expect(resolveRange({ length: 5 }, 100)).toEqual({ start: 0, end: 5 });
    expect(resolveRange({ offset: 10, length: 0 }, 100)).toEqual({ start: 10, end: 10 });
  });

  it("clamps a length running past the end", () => {
    expect(resolveRange({ offset: 90, length: 50 }, 100)).toEqual({ start: 90, end: 100 });
    expect(resolveRange({ length: Number.MAX_SAFE_INTEGER }, 100)).toEqual({ start: 0, end: 100 });
  });

  it("gives an empty range at the end for an offset past it", () => {
    expect(resolveRange({ offset: 100 }, 100)).toEqual({ start: 100, end: 100 });
    expect(resolveRange({ offset: 150 }, 100)).toEqual({ start: 100, end: 100 });
    expect(resolveRange({ offset: 150, length: 10 }, 100)).toEqual({ start: 100, end: 100 });
  });

  it("handles an empty object", () => {
    expect(resolveRange({ offset: 0 }, 0)).toEqual({ start: 0, end: 0 });
    expect(resolveRange({ offset: 5, length: 5 }, 0)).toEqual({ start: 0, end: 0 });
  });

  it("throws RangeError for negative offset or length", () => {
    expect(() => resolveRange({ offset: -1 }, 100)).toThrow(RangeError);
    expect(() => resolveRange({ length: -1 }, 100)).toThrow(RangeError);
    expect(() => resolveRange({ offset: -5, length: 3 }, 100)).toThrow(RangeError);
  });
});

describe("fromBytes / toBytes", () => {
  it("round-trips", async () => {
    expect(await toBytes(fromBytes(DATA))).toEqual(DATA);
    expect(await toBytes(fromBytes(DATA, 7))).toEqual(DATA);
    expect(await toBytes(fromBytes(DATA, 1))).toEqual(DATA);
  });

  it("splits into chunks of at most the given size", async () => {
    const parts = await collectParts(fromBytes(DATA, 30));
    expect(parts.map((p) => p.length)).toEqual([30, 30, 30, 10]);
  });

  it("yields nothing for empty input", async () => {
    expect(await collectParts(fromBytes(new Uint8Array(0)))).toEqual([]);
    expect(await toBytes(fromBytes(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it("joins many parts in order", async () => {
    expect([...(await toBytes(chunks([1, 2], [], [3], [4, 5, 6])))]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("sliceBody", () => {
  const body = () => fromBytes(DATA, 10);
  const expected = (start: number, end: number) => DATA.slice(start, end);

  it("passes everything through with no skip and no limit", async () => {
    expect(await toBytes(sliceBody(body(), 0))).toEqual(DATA);
  });

  it.each([
    [0, 10],
    [0, 5],
    [5, 10],
    [10, 10],
    [9, 2],
    [15, 30],
    [19, 1],
    [20, 1],
    [95, 50],
    [0, 100],
    [3, 94],
  ])("skip %d, limit %d works across chunk boundaries", async (skip, limit) => {
    expect(await toBytes(sliceBody(body(), skip, limit))).toEqual(expected(skip, skip + limit));
  });

  it.each([0, 1, 10, 55, 99])("skip %d with no limit gives the rest", async (skip) => {
    expect(await toBytes(sliceBody(body(), skip))).toEqual(expected(skip, 100));
  });

  it("gives nothing for a skip at or past the end", async () => {
    expect(await collectParts(sliceBody(body(), 100))).toEqual([]);
    expect(await collectParts(sliceBody(body(), 500, 5))).toEqual([]);
  });

  it("gives nothing for a zero limit, without reading the source", async () => {
    let pulled = false;
    async function* watched(): Body {
      pulled = true;
      yield DATA;
    }
    expect(await collectParts(sliceBody(watched(), 0, 0))).toEqual([]);
    expect(pulled).toBe(false);
  });

  it("stops reading the source once the limit is met", async () => {
    // A ranged read must not drain (download) the rest of the object.
    let pulls = 0;
    async function* counted(): Body {
      for (let i = 0; i < 10; i++) {
        pulls++;
        yield DATA.subarray(i * 10, i * 10 + 10);
      }
    }
    expect(await toBytes(sliceBody(counted(), 5, 10))).toEqual(expected(5, 15));
    expect(pulls).toBe(2);
  });

  it("works with uneven chunks", async () => {
    const src = chunks([0, 1, 2], [3], [], [4, 5, 6, 7, 8], [9]);
    expect([...(await toBytes(sliceBody(src, 2, 6)))]).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it("agrees with resolveRange for every offset and length on a small object", async () => {
    const small = DATA.subarray(0, 13);
    for (let offset = 0; offset <= 15; offset++) {
      for (let length = 0; length <= 15; length++) {
        const { start, end } = resolveRange({ offset, length }, small.length);
        const got = await toBytes(sliceBody(fromBytes(small, 4), start, end - start));
        expect(got).toEqual(small.slice(offset, offset + length));
      }
    }
  });
});

describe("tapBody", () => {
  it("sees every chunk and then the end, passing data through unchanged", async () => {
    const seen: number[] = [];
    let ended = 0;
    const out = await toBytes(
      tapBody(
        fromBytes(DATA, 40),
        (p) => {
          seen.push(p.length);
        },
        () => ended++,
      ),
    );
    expect(out).toEqual(DATA);
    expect(seen).toEqual([40, 40, 20]);
    expect(ended).toBe(1);
  });
});

describe("blocks, sameBytes, sameBody, ByteReader.next/atEnd", () => {
  it("cuts a body into whole pieces whatever its chunking, the last one shorter", async () => {
    const got = await collectParts(blocks(chunks([1, 2], [3, 4, 5, 6, 7], [], [8]), 3));
    expect(got).toEqual([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    expect(await collectParts(blocks(chunks(), 3))).toEqual([]);
  });

  it("compares bytes and bodies regardless of chunking", async () => {
    expect(sameBytes(Uint8Array.from([1, 2]), Uint8Array.from([1, 2]))).toBe(true);
    expect(sameBytes(Uint8Array.from([1, 2]).subarray(1), Uint8Array.from([2]))).toBe(true);
    expect(sameBytes(Uint8Array.from([1, 2]), Uint8Array.from([1, 3]))).toBe(false);
    expect(await sameBody(chunks([1, 2], [3]), chunks([1], [], [2, 3]))).toBe(true);
    expect(await sameBody(chunks([1, 2]), chunks([1, 2], [3]))).toBe(false);
    expect(await sameBody(chunks([1, 2, 3]), chunks([1, 2]))).toBe(false);
    expect(await sameBody(chunks([1, 2]), chunks([1, 4]))).toBe(false);
  });

  it("hands out the next bytes as they come, at most max, and tells the end through empty chunks", async () => {
    const r = new ByteReader(chunks([1, 2, 3], [], [4]));
    expect([...((await r.next(2)) ?? [])]).toEqual([1, 2]);
    expect([...((await r.next()) ?? [])]).toEqual([3]);
    expect(await r.atEnd()).toBe(false);
    expect([...(await r.read(5))]).toEqual([4]);
    expect(await r.atEnd()).toBe(true);
    expect(await r.next()).toBeUndefined();
  });
});
