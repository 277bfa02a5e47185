/** White-box tests of the chunker's pure format modules, with the spec's examples. */
import { describe, expect, it } from "vitest";
import { MAX_CHUNKS, marshalMeta, parseMeta } from "../../src/overlays/chunker/meta.js";
import { ChunkNamer, nameFormatError } from "../../src/overlays/chunker/name-format.js";
import { legacyTxnId, newTxnId, TXN_PATTERN } from "../../src/overlays/chunker/txn.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("name_format validation (spec §3.1, rclone's messages)", () => {
  it.each([
    ["big_*-##.part", "pattern must start with asterisk"],
    ["*.#x#", "hashes (#) in pattern must be consecutive"],
    ["*.rclone_chunk", "pattern must have a hash character (#)"],
    ["**.#", "pattern must have exactly one asterisk (*)"],
    ["sub/*.#", "directory separator prohibited"],
    ["#.*", "asterisk (*) in pattern must come before hashes (#)"],
  ])("refuses %s", (pattern, why) => {
    expect(nameFormatError(pattern)).toBe(`invalid name format '${pattern}': ${why}`);
    expect(() => new ChunkNamer(pattern, 1)).toThrow(why);
  });

  it.each(["*.rclone_chunk.###", "*.part##", "*.#", "*.chunk#", "*-##.part"])("accepts %s", (pattern) => {
    expect(nameFormatError(pattern)).toBeUndefined();
  });
});

describe("making chunk names (spec §3.2 table)", () => {
  it.each([
    [
      "*.rclone_chunk.###",
      1,
      "big.bin",
      ["big.bin.rclone_chunk.001", "big.bin.rclone_chunk.099", "big.bin.rclone_chunk.302"],
      "big.bin.rclone_chunk.001_0de0ia",
    ],
    ["*.part##", 0, "big.bin", ["big.bin.part00", "big.bin.part98", "big.bin.part301"], "big.bin.part00_0de0ia"],
    ["*.#", 1, "a", ["a.1", "a.99", "a.302"], "a.1_0de0ia"],
  ] as const)("%s from %i", (pattern, start, base, names, temp) => {
    const n = new ChunkNamer(pattern, start);
    expect([0, 98, 301].map((i) => n.dataName(base, i))).toEqual(names);
    expect(n.dataName(base, 0, "0de0ia")).toBe(temp);
  });

  it("makes control chunk names and refuses bad types", () => {
    const n = new ChunkNamer("*.rclone_chunk.###", 1);
    expect(n.controlName("small.txt", "ctrl")).toBe("small.txt.rclone_chunk._ctrl");
    expect(() => n.controlName("x", "C")).toThrow();
  });
});

describe("recognising chunk names (spec §3.4 table)", () => {
  const n = new ChunkNamer("*.rclone_chunk.###", 1);
  it.each([
    ["big.bin.rclone_chunk.001", { parent: "big.bin", index: 0, txn: "" }],
    ["big.bin.rclone_chunk.001_0de0ia", { parent: "big.bin", index: 0, txn: "0de0ia" }],
    ["small.txt.rclone_chunk._ctrl", { parent: "small.txt", control: "ctrl", txn: "" }],
    ["x.rclone_chunk.001..tmp_1234567890", { parent: "x", index: 0, txn: legacyTxnId("1234567890") }],
    ["a.rclone_chunk.rclone_chunk.002", { parent: "a.rclone_chunk", index: 1, txn: "" }],
    ["x.rclone_chunk.1000", { parent: "x", index: 999, txn: "" }],
  ])("%s", (name, want) => {
    expect(n.parse(name)).toEqual(want);
  });

  it.each([
    "x.rclone_chunk.01",
    "x.rclone_chunk.001_abc",
    "x.rclone_chunk.001_ABCD",
    "notes.rclone_chunk.txt",
    "plain.bin",
    // Go's "." does not match a newline.
    "line\nbreak.rclone_chunk.001",
  ])("%j is not a chunk", (name) => {
    expect(n.parse(name)).toBeUndefined();
  });

  it("a number below start_from is not a chunk", () => {
    expect(new ChunkNamer("*.part##", 1).parse("big.bin.part00")).toBeUndefined();
    expect(new ChunkNamer("*.part##", 0).parse("big.bin.part00")).toEqual({ parent: "big.bin", index: 0, txn: "" });
  });

  it("one '#' takes any number of digits; the regex is the spec's for the default format", () => {
    const one = new ChunkNamer("*.chunk#", 1);
    expect(one.parse("f.chunk66")).toEqual({ parent: "f", index: 65, txn: "" });
    expect((n as unknown as { regex: RegExp }).regex.source).toBe(
      "^([^\\n]+?)\\.rclone_chunk\\.(?:([0-9]{3,})|_([a-z][a-z0-9]{2,6}))(?:_([0-9a-z]{4,9})|\\.\\.tmp_([0-9]{10,13}))?$",
    );
  });

  it("round-trips every name it makes", () => {
    const p = new ChunkNamer("*.part##", 0);
    for (const i of [0, 9, 99, 100, 12345]) {
      expect(p.parse(p.dataName("a.part01", i, "0de0ia"))).toEqual({ parent: "a.part01", index: i, txn: "0de0ia" });
    }
  });
});

describe("transaction ids (spec §3.3)", () => {
  it("are base36(seconds mod 1679609) padded to 4, then base36(random) padded to 2", () => {
    expect(newTxnId(0, 0)).toBe("000000");
    expect(newTxnId(1679609 * 1000 + 35_000, 1295)).toBe("000zzz");
    const t = 1666355696_000;
    expect(newTxnId(t, 36)).toBe(`${(1666355696 % 1679609).toString(36).padStart(4, "0")}10`);
    for (let i = 0; i < 100; i++) expect(newTxnId()).toMatch(TXN_PATTERN);
  });

  it("converts legacy decimal suffixes to base 36", () => {
    expect(legacyTxnId("1234567890")).toBe((1234567890).toString(36));
    expect(legacyTxnId("0000000001")).toBe("0001");
  });
});

describe("simplejson metadata (spec §6)", () => {
  it("writes rclone's exact bytes", () => {
    expect(text(marshalMeta({ size: 2500, nchunks: 3, md5: "ae541067efa040c736477b105fb5000d" }))).toBe(
      '{"ver":1,"size":2500,"nchunks":3,"md5":"ae541067efa040c736477b105fb5000d"}',
    );
    expect(text(marshalMeta({ size: 2500, nchunks: 3, sha1: "3a0a024bbca3f1fa63aa22480fe024ae7137332e" }))).toBe(
      '{"ver":1,"size":2500,"nchunks":3,"sha1":"3a0a024bbca3f1fa63aa22480fe024ae7137332e"}',
    );
    expect(text(marshalMeta({ size: 2500, nchunks: 3 }))).toBe('{"ver":1,"size":2500,"nchunks":3}');
    expect(text(marshalMeta({ size: 0, nchunks: 1, md5: "d41d8cd98f00b204e9800998ecf8427e" }))).toBe(
      '{"ver":1,"size":0,"nchunks":1,"md5":"d41d8cd98f00b204e9800998ecf8427e"}',
    );
    expect(text(marshalMeta({ size: 2500, nchunks: 3, md5: "ae541067efa040c736477b105fb5000d", txn: "0debjd" }))).toBe(
      '{"ver":2,"size":2500,"nchunks":3,"md5":"ae541067efa040c736477b105fb5000d","txn":"0debjd"}',
    );
  });

  it("refuses to write 255 bytes or more", () => {
    expect(() => marshalMeta({ size: 1, nchunks: 1, txn: "x".repeat(250) })).toThrow(RangeError);
  });

  it("parses what it writes", () => {
    const m = { size: 2500, nchunks: 3, md5: "ae541067efa040c736477b105fb5000d", txn: "0debjd" };
    expect(parseMeta(marshalMeta(m))).toEqual({ status: "valid", meta: { ver: 2, ...m } });
  });

  it.each([
    ["too big", `{"ver":1,"size":1,"nchunks":1,"x":"${"a".repeat(250)}"}`],
    ["leading space", ' {"ver":1,"size":1,"nchunks":1}'],
    ["trailing newline", '{"ver":1,"size":1,"nchunks":1}\n'],
    ["one byte", "{"],
    ["string ver", '{"ver":"1","size":1,"nchunks":1}'],
    ["fractional size", '{"ver":1,"size":1.0,"nchunks":1}'],
    ["exponent", '{"ver":1,"size":1e2,"nchunks":1}'],
    ["missing nchunks", '{"ver":1,"size":1}'],
    ["null ver", '{"ver":null,"size":1,"nchunks":1}'],
    ["ver 0", '{"ver":0,"size":1,"nchunks":1}'],
    ["negative size", '{"ver":1,"size":-1,"nchunks":1}'],
    ["short md5", '{"ver":1,"size":1,"nchunks":1,"md5":"abc"}'],
    ["bad sha1", `{"ver":1,"size":1,"nchunks":1,"sha1":"${"g".repeat(40)}"}`],
    ["no chunks", '{"ver":1,"size":0,"nchunks":0}'],
    ["number md5", '{"ver":1,"size":1,"nchunks":1,"md5":5}'],
    ["array", "[1]"],
  ])("is not metadata: %s", (_, json) => {
    expect(parseMeta(bytes(json)).status).toBe("not-metadata");
  });

  it("follows Go's decoding quirks: case-insensitive keys, unknown keys, last duplicate, null", () => {
    const r = parseMeta(bytes('{"VER":1,"Size":7,"nchunks":2,"nchunks":3,"extra":[1],"md5":null}'));
    expect(r).toEqual({ status: "valid", meta: { ver: 1, size: 7, nchunks: 3 } });
    expect(parseMeta(bytes(`{"ver":1,"size":1,"nchunks":1,"md5":"${"AB".repeat(16)}"}`)).status).toBe("valid");
  });

  it("is metadata, but unusable: a newer version or a chunk count overflow", () => {
    expect(parseMeta(bytes('{"ver":3,"size":1,"nchunks":1}'))).toMatchObject({
      status: "unsupported",
      reason: "unknown metadata, please upgrade rclone",
    });
    expect(parseMeta(bytes('{"ver":3,"size":0,"nchunks":0}')).status).toBe("unsupported");
    expect(parseMeta(bytes(`{"ver":1,"size":1,"nchunks":${MAX_CHUNKS + 1}}`))).toMatchObject({
      status: "unsupported",
      reason: "chunk number overflow",
    });
  });

  it("reads the metadata objects rclone stored in the fixtures", async () => {
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { FIXTURES } = await import("./fixtures.js");
    const meta = readFileSync(join(FIXTURES, "cases/01-chunker-defaults/stored/size-1001.bin"));
    expect(parseMeta(meta)).toEqual({
      status: "valid",
      meta: { ver: 1, size: 1001, nchunks: 2, md5: "26da2a4877425c496939c19aa46139c1" },
    });
    expect(Buffer.from(marshalMeta({ size: 1001, nchunks: 2, md5: "26da2a4877425c496939c19aa46139c1" }))).toEqual(meta);
    // The user's file that only looks like metadata (stored as a chunk by rclone) parses as metadata.
    const lookalike = readFileSync(
      join(FIXTURES, "cases/01-chunker-defaults/stored/looks-like-chunker-metadata.json.rclone_chunk.001"),
    );
    expect(parseMeta(lookalike).status).not.toBe("not-metadata");
  });
});
