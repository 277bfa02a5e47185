import { describe, expect, it } from "vitest";
import { isFsError } from "../../src/fs/errors.js";
import { looksObscured, obscure, obscureBytes, reveal, revealBytes } from "../../src/fs/obscure.js";
import { thrown } from "./thrown.js";

const hex = (s: string) => Uint8Array.from(Buffer.from(s, "hex"));

// Vectors from /work/shared/specs/obscure.md, each confirmed there with rclone 1.60.1.
const FIXED_IV = [
  { iv: "000102030405060708090a0b0c0d0e0f", plain: "hunter2", obscured: "AAECAwQFBgcICQoLDA0OD2nqCVFioHI" },
  { iv: "101112131415161718191a1b1c1d1e1f", plain: "pepper", obscured: "EBESExQVFhcYGRobHB0eHzP06D93YA" },
  {
    // 28 bytes from an all-FF counter: the second block only decrypts if the counter wraps to 0.
    iv: "ffffffffffffffffffffffffffffffff",
    plain: "correct horse battery staple",
    obscured: "_____________________498pdF5Uf-52igXbJbbt6Mwr8wQLN_btUBBeE4",
  },
  { iv: "00000000000000000000000000000000", plain: "", obscured: "AAAAAAAAAAAAAAAAAAAAAA" },
];

const RANDOM_IV = [
  { obscured: "9thXyVxBgPrQFaGwS1pbaG0AhxPfGWU", plain: "hunter2" },
  { obscured: "DVKmwK73wwgD-d07rQSL0_Vz7XUlpyCY3cUP9sF3FA", plain: "pässwörd 🔑" },
];

describe("obscure with a fixed IV", () => {
  it.each(FIXED_IV)("obscures $plain byte-exactly", ({ iv, plain, obscured }) => {
    expect(obscure(plain, hex(iv))).toBe(obscured);
    expect(obscureBytes(Buffer.from(plain, "utf8"), hex(iv))).toBe(obscured);
  });

  it.each(FIXED_IV)("reveals $obscured", ({ plain, obscured }) => {
    expect(reveal(obscured)).toBe(plain);
  });
});

describe("reveal of rclone's random-IV output", () => {
  it.each(RANDOM_IV)("reveals $plain", ({ obscured, plain }) => {
    expect(reveal(obscured)).toBe(plain);
  });

  it("returns the UTF-8 bytes unchanged", () => {
    expect(Buffer.from(revealBytes(RANDOM_IV[1]!.obscured)).equals(Buffer.from("pässwörd 🔑", "utf8"))).toBe(true);
    expect(revealBytes(RANDOM_IV[1]!.obscured)).toHaveLength(15);
  });
});

describe("obscure with a random IV", () => {
  it("differs on every call yet reveals to the same text", () => {
    const a = obscure("hunter2");
    const b = obscure("hunter2");
    expect(a).not.toBe(b);
    expect(reveal(a)).toBe("hunter2");
    expect(reveal(b)).toBe("hunter2");
  });

  it("uses the unpadded URL-safe alphabet and the length the spec gives", () => {
    for (const plain of ["", "x", "hunter2", "pässwörd 🔑", "a".repeat(100)]) {
      const o = obscure(plain);
      expect(o).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(o).toHaveLength(Math.ceil(((16 + Buffer.byteLength(plain)) * 4) / 3));
    }
    expect(obscure("")).toHaveLength(22);
  });

  it("round-trips long inputs spanning many CTR blocks", () => {
    const plain = `${"0123456789abcdef".repeat(64)}tail`;
    expect(reveal(obscure(plain))).toBe(plain);
  });
});

describe("byte API", () => {
  it("round-trips data that is not valid UTF-8", () => {
    const data = Uint8Array.from([0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x7f]);
    const back = revealBytes(obscureBytes(data));
    expect(Buffer.from(back).equals(Buffer.from(data))).toBe(true);
  });

  it("round-trips every byte value", () => {
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(Buffer.from(revealBytes(obscureBytes(data))).equals(Buffer.from(data))).toBe(true);
  });

  it("reveals a bare 16-byte IV to nothing", () => {
    expect(revealBytes("AAAAAAAAAAAAAAAAAAAAAA")).toHaveLength(0);
    expect(reveal(obscureBytes(new Uint8Array(0), hex("ffffffffffffffffffffffffffffffff")))).toBe("");
  });
});

describe("reveal rejects", () => {
  it("a value too short to hold the IV", () => {
    const err = thrown(() => reveal("abc"));
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    expect((err as Error).message).toContain("input too short");
    expect(
      isFsError(
        thrown(() => reveal("")),
        "ConfigInvalid",
      ),
    ).toBe(true);
    // 20 chars decode to 15 bytes: one short of an IV.
    const short = thrown(() => reveal("A".repeat(20)));
    expect(isFsError(short, "ConfigInvalid")).toBe(true);
    expect((short as Error).message).toContain("input too short");
  });

  it("'=' padding, which Go's RawURLEncoding refuses", () => {
    const err = thrown(() => reveal("AAECAwQFBgcICQoLDA0OD2nqCVFioHI="));
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    expect((err as Error).message).toContain("base64 decode failed");
  });

  it.each(["AAECAwQFBgcICQoLDA0OD2nqCVFioH+", "AAECAwQFBgcICQoLDA0OD2nqCVFioH/", "+AECAwQFBgcICQoLDA0OD2nqCVFioHI"])(
    "the standard-alphabet character in %s",
    (value) => {
      expect(
        isFsError(
          thrown(() => reveal(value)),
          "ConfigInvalid",
        ),
      ).toBe(true);
    },
  );

  it("whitespace and other characters Node's lenient decoder would skip", () => {
    for (const value of [
      " AAECAwQFBgcICQoLDA0OD2nqCVFioHI",
      "AAECAwQFBgcICQoLDA0OD2nq\nCVFioHI",
      "AAECAwQF.BgcICQoLDA0OD2nqCVFioHI",
    ]) {
      expect(
        isFsError(
          thrown(() => reveal(value)),
          "ConfigInvalid",
        ),
      ).toBe(true);
    }
  });

  it("a length no base64 string can have", () => {
    // 4n+1 characters cannot come from any byte string; rclone says "illegal base64 data" for these.
    for (const n of [21, 25]) {
      const err = thrown(() => reveal("A".repeat(n)));
      expect(isFsError(err, "ConfigInvalid")).toBe(true);
      expect((err as Error).message).toContain("base64 decode failed");
    }
  });
});

describe("looksObscured", () => {
  it("accepts anything that reveals cleanly", () => {
    for (const { obscured } of [...FIXED_IV, ...RANDOM_IV]) expect(looksObscured(obscured)).toBe(true);
    expect(looksObscured(obscure("x"))).toBe(true);
  });

  it("rejects short, padded and standard-alphabet values", () => {
    expect(looksObscured("hunter2")).toBe(false);
    expect(looksObscured("abc")).toBe(false);
    expect(looksObscured("")).toBe(false);
    expect(looksObscured("AAECAwQFBgcICQoLDA0OD2nqCVFioHI=")).toBe(false);
    expect(looksObscured("AAECAwQFBgcICQoLDA0OD2nqCVFioH+")).toBe(false);
  });

  it("mistakes a long enough plain base64url password for an obscured one, as rclone does", () => {
    // The spec warns about this; rclone 1.60 reveals this 24-character password to junk without error.
    expect(looksObscured("correcthorsebatterystapl")).toBe(true);
  });
});
