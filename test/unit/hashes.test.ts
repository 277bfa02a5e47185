import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import {
  HASH_TYPES,
  type HashType,
  hashBody,
  hashBytes,
  isHashType,
  MultiHasher,
  newHasher,
} from "../../src/fs/hashes.js";

const HI = new TextEncoder().encode("hi\n");

// What `rclone hashsum <type>` prints for a file holding "hi\n" (checked with rclone 1.60.1).
const RCLONE_HI: Record<HashType, string> = {
  md5: "764efa883dda1e11db47671c4a3bbd9e",
  sha1: "55ca6286e3e4f4fba5d0448333fa99fc5a404a73",
  sha256: "98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4",
  crc32: "ed6f7a7a",
};

const EMPTY: Record<HashType, string> = {
  md5: "d41d8cd98f00b204e9800998ecf8427e",
  sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
  sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  crc32: "00000000",
};

function pseudoRandom(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe("hashBytes", () => {
  it.each(HASH_TYPES)("%s of hi\\n matches rclone", (type) => {
    expect(hashBytes(type, HI)).toBe(RCLONE_HI[type]);
  });

  it.each(HASH_TYPES)("%s of nothing", (type) => {
    expect(hashBytes(type, new Uint8Array(0))).toBe(EMPTY[type]);
  });

  it("pads crc32 to eight hex digits", () => {
    // crc32("x31") is 0x001685f0; rclone prints the leading zeros.
    expect(hashBytes("crc32", new TextEncoder().encode("x31"))).toBe("001685f0");
    // The standard crc32 check value.
    expect(hashBytes("crc32", new TextEncoder().encode("123456789"))).toBe("cbf43926");
  });

  it("prints lower-case hex", () => {
    for (const type of HASH_TYPES) expect(hashBytes(type, HI)).toMatch(/^[0-9a-f]+$/);
  });
});

describe("newHasher", () => {
  it.each(HASH_TYPES)("%s gives the same digest fed byte by byte", (type) => {
    const h = newHasher(type);
    for (const b of HI) h.update(Uint8Array.of(b));
    expect(h.digest()).toBe(RCLONE_HI[type]);
  });
});

describe("MultiHasher", () => {
  const data = pseudoRandom(100_003);

  it("over split chunks equals the one-shot hashes", () => {
    const oneShot = new Map(HASH_TYPES.map((t) => [t, hashBytes(t, data)]));
    for (const cut of [1, 7, 4096, 65_536, 100_002]) {
      const m = new MultiHasher(HASH_TYPES);
      for (let i = 0; i < data.length; i += cut) m.update(data.subarray(i, i + cut));
      expect(m.digests()).toEqual(oneShot);
      expect(m.size).toBe(data.length);
    }
  });

  it("tolerates empty chunks", () => {
    const m = new MultiHasher(["md5", "crc32"]);
    m.update(new Uint8Array(0));
    m.update(HI);
    m.update(new Uint8Array(0));
    expect(m.digests()).toEqual(
      new Map([
        ["md5", RCLONE_HI.md5],
        ["crc32", RCLONE_HI.crc32],
      ]),
    );
    expect(m.size).toBe(3);
  });

  it("computes only the types asked for", () => {
    const m = new MultiHasher(["sha1"]);
    m.update(HI);
    expect([...m.digests().keys()]).toEqual(["sha1"]);
  });

  it("counts size even with no hash types", () => {
    const m = new MultiHasher([]);
    m.update(HI);
    expect(m.size).toBe(3);
    expect(m.digests().size).toBe(0);
  });
});

describe("hashBody", () => {
  it("hashes a streamed body like the bytes it holds", async () => {
    const data = pseudoRandom(10_000);
    const digests = await hashBody(fromBytes(data, 333), HASH_TYPES);
    for (const type of HASH_TYPES) expect(digests.get(type)).toBe(hashBytes(type, data));
  });
});

describe("isHashType", () => {
  it("knows rclone's names", () => {
    for (const t of ["md5", "sha1", "sha256", "crc32"]) expect(isHashType(t)).toBe(true);
    for (const t of ["MD5", "sha512", "", "whirlpool", "dropbox"]) expect(isHashType(t)).toBe(false);
  });
});
