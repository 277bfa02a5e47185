/** The compress format modules on their own: names, metadata JSON, MIME sniffing, block gzip and seekable zstd. */
import { execFileSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { splitBlocks } from "../../src/overlays/compress/blocks.js";
import { GZIP_BLOCK_SIZE, gzipDecode, gzipEncode, gzipLayout } from "../../src/overlays/compress/gzip.js";
import { marshalMeta, parseMeta } from "../../src/overlays/compress/meta.js";
import { dataName, encodeSize, parseDataName, tempDataName } from "../../src/overlays/compress/names.js";
import { sniffMime } from "../../src/overlays/compress/sniff.js";
import { ZSTD_FRAME_SIZE, zstdDecode, zstdEncode, zstdLayout } from "../../src/overlays/compress/zstd.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { compressibleText } from "./tree.js";

describe("compress names", () => {
  it("encodes sizes as rclone does (spec §1)", () => {
    expect(encodeSize(12000)).toBe("4C4AAAAAAAA");
    expect(encodeSize(2708890)).toBe("mlUpAAAAAAA");
    expect(encodeSize(-1)).toBe("__________8");
    expect(dataName("dir/text.txt", 12000, 2)).toBe("dir/text.txt.4C4AAAAAAAA.gz");
    expect(dataName("a.json", 5, 0)).toBe("a.json.bin");
    expect(dataName("z", 5, 4)).toBe("z.BQAAAAAAAAA.zst");
    expect(tempDataName("x", 0)).toBe("x.__________8.gz");
  });

  it("parses data names, hiding what does not parse", () => {
    expect(parseDataName("text.txt.4C4AAAAAAAA.gz")).toEqual({ name: "text.txt", size: 12000, ext: ".gz" });
    expect(parseDataName("a.json.bin")).toEqual({ name: "a.json", ext: ".bin" });
    expect(parseDataName("x.__________8.gz")?.size).toBe(-1);
    expect(parseDataName("plain")).toBeUndefined();
    expect(parseDataName("short.AAAA.gz")).toBeUndefined();
    expect(parseDataName("neg.AAAAAAAAAIA.gz")).toBeUndefined();
    expect(parseDataName("line\nfeed.4C4AAAAAAAA.gz")?.name).toBe("line\nfeed");
  });
});

describe("compress metadata", () => {
  it("writes rclone 1.60's bytes (spec §2 examples)", () => {
    const gz = marshalMeta(
      {
        Mode: 2,
        Size: 12000,
        MD5: "dbc19cf9f71b359ad11c1b0fb963df1e",
        MimeType: "text/plain; charset=utf-8",
        blocks: { BlockSize: 1048576, Size: 12000, BlockData: [10, 62] },
      },
      "v1.60",
    );
    expect(Buffer.from(gz).toString()).toBe(
      '{"Mode":2,"Size":12000,"MD5":"dbc19cf9f71b359ad11c1b0fb963df1e","MimeType":"text/plain; charset=utf-8","CompressionMetadata":{"BlockSize":1048576,"Size":12000,"BlockData":[10,62]}}',
    );
    const empty = marshalMeta(
      { Mode: 0, Size: 0, MD5: "d41d8cd98f00b204e9800998ecf8427e", MimeType: "text/plain" },
      "v1.60",
    );
    expect(Buffer.from(empty).toString()).toBe(
      '{"Mode":0,"Size":0,"MD5":"d41d8cd98f00b204e9800998ecf8427e","MimeType":"text/plain","CompressionMetadata":{"BlockSize":0,"Size":0,"BlockData":null}}',
    );
    const mime = marshalMeta({ Mode: 0, Size: 0, MD5: "", MimeType: "a<b>&\u0001" }, "v1.60");
    expect(Buffer.from(mime).toString()).toContain('"MimeType":"a\\u003cb\\u003e\\u0026\\u0001"');
  });

  it("writes the ≥ 1.72 keys for zstd, and reads either generation, keys in any case", () => {
    const z = {
      Mode: 4 as const,
      Size: 5,
      MD5: "",
      MimeType: "x",
      blocks: { BlockSize: 1048576, Size: 5, BlockData: [0, 14] },
    };
    const bytes = Buffer.from(marshalMeta(z, "v1.72")).toString();
    expect(bytes).toContain('"CompressionMetadataGzip":null,"CompressionMetadataZstd":{"BlockSize":1048576');
    expect(parseMeta(Buffer.from(bytes))).toEqual(z);
    const newGzip =
      '{"mode":2,"size":3,"md5":"","mimetype":"x","compressionmetadatagzip":{"BlockSize":1048576,"Size":3,"BlockData":[10,5]},"CompressionMetadataZstd":null}';
    expect(parseMeta(Buffer.from(newGzip))).toMatchObject({ Mode: 2, blocks: { BlockData: [10, 5] } });
  });

  it("says why bytes are not metadata", () => {
    expect(parseMeta(Buffer.from("{nope"))).toMatch(/not JSON/);
    expect(parseMeta(Buffer.from("[]"))).toMatch(/not a JSON object/);
    expect(parseMeta(Buffer.from('{"Mode":3}'))).toMatch(/unknown compression mode/);
    expect(parseMeta(Buffer.from('{"Mode":2,"Size":1}'))).toMatch(/missing block metadata/);
    expect(parseMeta(Buffer.from('{"Mode":2,"CompressionMetadata":{"BlockData":[-1]}}'))).toMatch(/uint32/);
  });

  it("sniffs the MIME types rclone records for common content", () => {
    expect(sniffMime(new Uint8Array(0))).toBe("text/plain");
    expect(sniffMime(Buffer.from("hello\n"))).toBe("text/plain; charset=utf-8");
    expect(sniffMime(Buffer.from('{"x": 1}'))).toBe("application/json");
    expect(sniffMime(seededBytes("mime", 5000))).toBe("application/octet-stream");
    // A multi-byte character cut by the 1 MiB boundary is still UTF-8.
    expect(sniffMime(Buffer.from("aé").subarray(0, 2))).toBe("text/plain; charset=utf-8");
  });
});

describe("block gzip", () => {
  const text = compressibleText("gz", 3 * GZIP_BLOCK_SIZE + 12_345);

  async function encode(data: Uint8Array, level = -1) {
    const enc = gzipEncode(splitBlocks(fromBytes(data, 100_000), GZIP_BLOCK_SIZE), level, 3);
    const bytes = Buffer.from(await toBytes(enc.body));
    return { bytes, meta: enc.result().blocks };
  }

  it("writes sgzip's layout: header, one block per MiB, trailer; any gunzip reads it", async () => {
    const { bytes, meta } = await encode(text, 9);
    expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 9, 0x6e, 0x88, 2, 0xff]);
    expect(meta.BlockData?.length).toBe(5);
    expect((meta.BlockData as number[]).reduce((a, b) => a + b) + 8).toBe(bytes.length);
    expect(gunzipSync(bytes).equals(text)).toBe(true);
    // Every block but the last ends with a sync flush; the last also with the final block.
    expect(bytes.subarray(bytes.length - 14, bytes.length - 8).toString("hex")).toBe("0000ffff0300");
  });

  it("ends a whole number of blocks with an empty final block, as sgzip does", async () => {
    const { bytes, meta } = await encode(text.subarray(0, 2 * GZIP_BLOCK_SIZE));
    expect(meta.BlockData?.length).toBe(4);
    expect(gunzipSync(bytes).equals(text.subarray(0, 2 * GZIP_BLOCK_SIZE))).toBe(true);
  });

  it("reads ranges from the block holding them only, and whole files with checks", async () => {
    const { bytes, meta } = await encode(text);
    const layout = gzipLayout(meta, text.length, bytes.length);
    if (typeof layout === "string") throw new Error(layout);
    const opened: [number, number][] = [];
    const open = async (offset: number, length: number) => {
      opened.push([offset, length]);
      return fromBytes(bytes.subarray(offset, offset + length));
    };
    const at = 2 * GZIP_BLOCK_SIZE + 777;
    const part = await toBytes(gzipDecode(open, layout, at, at + 64, 2, "f"));
    expect(Buffer.from(part).equals(text.subarray(at, at + 64))).toBe(true);
    const data = meta.BlockData as number[];
    expect(opened[0]).toEqual([data[0]! + data[1]! + data[2]!, data[3]]);
    const whole = await toBytes(gzipDecode(open, layout, 0, text.length, 2, "f"));
    expect(Buffer.from(whole).equals(text)).toBe(true);
  });
});

describe("seekable zstd", () => {
  const text = compressibleText("zst", 2 * ZSTD_FRAME_SIZE + 999);

  it("writes one frame per MiB and a seek table that Debian's zstd skips", async () => {
    const enc = zstdEncode(splitBlocks(fromBytes(text), ZSTD_FRAME_SIZE), 2, 2);
    const bytes = Buffer.from(await toBytes(enc.body));
    const meta = enc.result().blocks;
    expect(meta.BlockData?.length).toBe(4);
    expect(bytes.readUInt32LE(bytes.length - 4)).toBe(0x8f92eab1);
    expect(execFileSync("zstd", ["-d", "-c", "-q"], { input: bytes, maxBuffer: 64 << 20 }).equals(text)).toBe(true);
    const layout = zstdLayout(meta, text.length, bytes.length);
    if (typeof layout === "string") throw new Error(layout);
    const open = async (offset: number, length: number) => fromBytes(bytes.subarray(offset, offset + length));
    const at = ZSTD_FRAME_SIZE + 5;
    expect(
      Buffer.from(await toBytes(zstdDecode(open, layout, at, at + 100, 2, "f"))).equals(text.subarray(at, at + 100)),
    ).toBe(true);
    expect(zstdLayout(meta, text.length, bytes.length - 1)).toMatch(/truncated/);
  });
});
