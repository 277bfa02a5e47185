/** Known-answer vectors of shared/specs/crypt-format.md §9 (checked there against rclone 1.60.1). */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import {
  addToNonce,
  decryptBlocks,
  decryptedSize,
  encryptBody,
  encryptedSize,
  splitHeader,
} from "../../src/overlays/crypt/cipher.js";
import { deriveKeys } from "../../src/overlays/crypt/keys.js";
import type { NameEncoding } from "../../src/overlays/crypt/name-encoding.js";
import { NameCipher, type NameMode } from "../../src/overlays/crypt/names.js";
import { loadSecretBox } from "../../src/overlays/crypt/secretbox.js";

const hex = (u: Uint8Array) => Buffer.from(u).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s/g, ""), "hex"));

describe("crypt keys", () => {
  it.each([
    [
      "hunter2",
      "",
      "57f239b6cbedd652fba6ea8e257ad8fe8ea2808e8b5079cbc72d144f13ba1159",
      "1796f2a074bf2ecc35ab009bb407a400fc154c9ad0cbb0ff3e6a0875ccd43ed9",
      "cc81b40b30e85bd9f93985d81ed4dd89",
    ],
    [
      "hunter2",
      "pepper",
      "3e758de7703738ebb85f3148e39ac461ef3438e04187b17895079b1c4c926ffd",
      "c3a4dd55fabdc985cd30dc41483b9e9bdbba21162f5c3c6fffb6648d08ebecb9",
      "3fbc54bcbfac2b59cb17aa89fcc04c5b",
    ],
    ["", "", "00".repeat(32), "00".repeat(32), "00".repeat(16)],
  ])("password %j / password2 %j", async (pw, pw2, data, name, tweak) => {
    const k = await deriveKeys(pw, pw2);
    expect([hex(k.dataKey), hex(k.nameKey), hex(k.nameTweak)]).toEqual([data, name, tweak]);
  });
});

async function namer(
  o: { mode?: NameMode; encoding?: NameEncoding; dirNames?: boolean; pw?: string; pw2?: string } = {},
): Promise<NameCipher> {
  const k = await deriveKeys(o.pw ?? "hunter2", o.pw2 ?? "");
  return new NameCipher({
    mode: o.mode ?? "standard",
    dirNames: o.dirNames ?? true,
    encoding: o.encoding ?? "base32",
    suffix: ".bin",
    nameKey: k.nameKey,
    nameTweak: k.nameTweak,
  });
}

describe("crypt names", () => {
  const cases: [string, Parameters<typeof namer>[0], string, string][] = [
    ["standard base32", {}, "hello.txt", "eq7kknqitracs7oj959q9alb5c"],
    ["standard base32", {}, "x", "hu76murl8ao4oavv9i6itfiebk"],
    ["two blocks", {}, "0123456789abcdef", "u233bhph3isrld79ncpaoos9tpkjuk0atmn3n9v39somi0eft4lg"],
    ["path", {}, "a/b/c", "0565ec2krfo6st3dchaljk38io/92i4csa4jh069lkjole9gfbnmc/cjd7g4v5a58lapjdl737i9dj78"],
    ["clear dirs", { dirNames: false }, "dir/sub/file.txt", "dir/sub/5n9bgoof1noidnroa3ahmumpr8"],
    ["password2", { pw2: "pepper" }, "hello.txt", "hiq4ms31tounlfni51uis7m6cc"],
    ["empty password", { pw: "" }, "hello.txt", "0cuib0mnsqjo5m26fdvk1ve26g"],
    ["base64", { encoding: "base64" }, "hello.txt", "do9KX1Lu1M4fE0lTpKqrKw"],
    ["base64", { encoding: "base64" }, "0123456789abcdef", "8IY1xzEcubq06bsyrGOJ7mk_UArtrjun408xaQHP6Ss"],
    ["base32768", { encoding: "base32768" }, "hello.txt", "憧磷邽鎬靘玅䶉儋㰿"],
    ["base32768", { encoding: "base32768" }, "0123456789abcdef", "麣⺱貃燻簇䴬许觩鶔瘴ᄽ腃莟ⴜ褲ሏ髵ʟ"],
    ["obfuscate", { mode: "obfuscate" }, "hello.txt", "162.pmttw.BFB"],
    ["obfuscate", { mode: "obfuscate" }, "Hello!World 42", "163.Qnuux!!fxAum 75"],
    ["obfuscate", { mode: "obfuscate" }, "0123456789abcdef", "98.1234567890tuvwxy"],
    ["obfuscate", { mode: "obfuscate" }, "ÿ€日本", "188.\u00ad\u20ee\u6527\u676e"],
    ["obfuscate", { mode: "obfuscate" }, "dir/sub/file.txt", "63.mrA/74.MOv/46.wzCv.KOK"],
    ["off", { mode: "off" }, "dir/sub/file.txt", "dir/sub/file.txt.bin"],
    ["version tag", {}, "hello-v2001-02-03-040506-789.txt", "eq7kknqitracs7oj959q9alb5c-v2001-02-03-040506-789"],
    ["version tag", { mode: "obfuscate" }, "hello-v2001-02-03-040506-789.txt", "162.pmttw-v2001-02-03-040506-789.BFB"],
    [
      "multi-block",
      {},
      "A quite long file name with spaces, commas & ünïcödé – 日本語.tar.gz",
      "gb1iq47hiejaguvuo0mfad34gqsm695ju75acd5sdlmdgb6fih52va5s7ajsg1afkvvr5v7ccl30pv8fsj95f6rpke0ims3m4qh1s1gjqe0j536c2mgmdf4b21kkpp1q",
    ],
  ];
  it.each(cases)("%s: %j", async (_label, o, plain, stored) => {
    const n = await namer(o);
    expect(n.encryptFile(plain)).toBe(stored);
    expect(n.decryptFile(stored)).toBe(plain);
  });

  it("base32 decodes in any case", async () => {
    expect((await namer()).decryptFile("EQ7KKNQITRACS7OJ959Q9ALB5C")).toBe("hello.txt");
  });

  it("refuses names that are not its own", async () => {
    const n = await namer();
    for (const bad of ["bogus", "eq7kknqitracs7oj959q9alb5c=", "hello.txt", "eq7kknqitracs7oj959q9alb5"]) {
      expect(() => n.decryptFile(bad)).toThrow();
    }
    expect(() => n.decryptFile("hu76murl8ao4oavv9i6itfiebk")).not.toThrow();
    expect(() => n.encryptFile("a/..")).toThrow(/cannot encrypt/);
    expect(() => n.encryptFile("tab\there")).toThrow(/control/);
    expect(() => n.encryptFile("x".repeat(2048))).toThrow(/too long/);
    const off = await namer({ mode: "off" });
    expect(() => off.decryptFile(".bin")).toThrow();
    expect(() => off.decryptFile("file.txt")).toThrow();
  });
});

describe.each(["native", "js"] as const)("crypt contents (%s)", (impl) => {
  it("sizes", () => {
    const table = [
      [0, 32],
      [1, 49],
      [3, 51],
      [15, 63],
      [65536, 65584],
      [65537, 65601],
      [140000, 140080],
      [200000, 200096],
      [1 << 20, 1048864],
    ];
    for (const [plain, stored] of table) {
      expect(encryptedSize(plain as number)).toBe(stored);
      expect(decryptedSize(stored as number)).toBe(plain);
    }
    expect(() => decryptedSize(31)).toThrow(/too short/);
    expect(() => decryptedSize(32 + 65552 + 16)).toThrow(/truncated/);
  });

  it.each([
    ["hunter2", "", "955b877b1cd5ebf4ccdcb7418b120c60d85c47"],
    ["hunter2", "pepper", "00ddd7b25f6d32b560205c3c5c70ed9f802a99"],
    ["", "", "a08b456d43093a72073e34031bc60ba2606ddf"],
  ])("abc with a fixed nonce under %j/%j", async (pw, pw2, block) => {
    const box = await loadSecretBox(impl);
    const { dataKey } = await deriveKeys(pw, pw2);
    const nonce = unhex("000102030405060708090a0b0c0d0e0f1011121314151617");
    const stored = await toBytes(encryptBody(fromBytes(new TextEncoder().encode("abc")), dataKey, nonce, box));
    expect(hex(stored)).toBe(`52434c4f4e450000${hex(nonce)}${block}`);
    const { nonce: read, rest } = await splitHeader(fromBytes(stored, 7), "abc.txt");
    expect(Buffer.from(await toBytes(decryptBlocks(rest, dataKey, read, 0, box, "abc.txt"))).toString()).toBe("abc");
  });

  it("decrypts rclone's hello.txt", async () => {
    const box = await loadSecretBox(impl);
    const { dataKey } = await deriveKeys("hunter2", "");
    const stored = unhex(
      "52434c4f4e450000cf181c65963e94b1c0053104ebd83318e9fbf408895033968a538f8012b014f2193676673903e17b00067d31dd97e91f7ac09b31499f6c",
    );
    const { nonce, rest } = await splitHeader(fromBytes(stored), "hello.txt");
    const plain = await toBytes(decryptBlocks(rest, dataKey, nonce, 0, box, "hello.txt"));
    expect(Buffer.from(plain).toString()).toBe("Hello, rclone!\n");
    expect(createHash("md5").update(stored).digest("hex")).toBe("f1abb140eb3c5bad9be2f1cbcf2ea5d3");
  });

  it.each([
    [`ffff${"00".repeat(22)}`, "e6856e1a503d4f5dbde471c67b9032e7"],
    ["ff".repeat(24), "15f320ab972b5469cdeeb559e8aa09a4"],
  ])("nonce carry from %s", async (nonceHex, md5) => {
    const box = await loadSecretBox(impl);
    const { dataKey } = await deriveKeys("hunter2", "");
    const plain = Uint8Array.from({ length: 140000 }, (_, i) => (7 * i) & 0xff);
    const stored = await toBytes(encryptBody(fromBytes(plain, 50000), dataKey, unhex(nonceHex), box));
    expect(stored.length).toBe(140080);
    expect(createHash("md5").update(stored).digest("hex")).toBe(md5);
    // Block 1 alone, with the nonce advanced by one.
    const one = await toBytes(
      decryptBlocks(fromBytes(stored.subarray(32 + 65552)), dataKey, unhex(nonceHex), 1, box, "x"),
    );
    expect(Buffer.from(one).equals(Buffer.from(plain.subarray(65536)))).toBe(true);
  });

  it("adds to nonces as 192-bit little-endian numbers", () => {
    expect(hex(addToNonce(unhex("ff".repeat(24)), 2))).toBe(`01${"00".repeat(23)}`);
    expect(hex(addToNonce(unhex("00".repeat(24)), 256 + 3))).toBe(`0301${"00".repeat(22)}`);
  });
});
