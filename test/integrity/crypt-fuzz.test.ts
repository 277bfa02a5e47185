/**
 * Fuzzing what a crypt reader trusts: the stored file (a flipped byte anywhere — magic, nonce, a
 * block's tag or data —, a cut at any point, garbage appended) and the stored names (mutated
 * encrypted names and random ones, in every name mode). Every read gives the right bytes or a typed
 * error naming the file; every listed name is safe; never other bytes, raw Node errors or a hang.
 * The one undetectable damage, a cut exactly at a block boundary (rclone #7192), reads as a prefix.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromBytes, resolveRange, toBytes } from "../../src/fs/body.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { FsObject } from "../../src/fs/types.js";
import type { CryptOptions } from "../../src/overlays/crypt/index.js";
import { badSegment } from "../../src/overlays/crypt/names.js";
import { cryptOver } from "../crypt/stack.js";
import { isTypedReadError } from "./crash.js";

const HEADER = 32;
const BLOCK = 65_536;
const SEALED = BLOCK + 16;
const T0 = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
const NAME = "dir/f.bin";

function content(seed: number, size: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
}

const memory = () => newFs(`:memory:crypt-fuzz-${Math.random().toString(36).slice(2)}`, createContext());

type Damage =
  | { kind: "flip"; at: number; xor: number }
  | { kind: "truncate"; at: number }
  | { kind: "append"; bytes: Uint8Array };

/** Applies `damage` to stored bytes; `at` picks a position modulo the length. */
function apply(stored: Uint8Array, damage: Damage): Uint8Array {
  if (damage.kind === "append") return Uint8Array.from([...stored, ...damage.bytes]);
  if (damage.kind === "truncate") return stored.subarray(0, damage.at % stored.length);
  const out = Uint8Array.from(stored);
  const at = damage.at % stored.length;
  out[at] = (out[at] as number) ^ damage.xor;
  return out;
}

/** Whether `damaged` is a cut of the stored form at a block boundary: a valid, shorter file. */
const cutAtBoundary = (damage: Damage, length: number) =>
  damage.kind === "truncate" && length >= HEADER && (length - HEADER) % SEALED === 0;

/** Positions worth hitting: the header, block edges and tags, and anywhere. */
const position = fc.oneof(
  fc.nat({ max: HEADER - 1 }),
  fc
    .record({ block: fc.nat({ max: 3 }), edge: fc.constantFrom(-1, 0, 1, 15, 16, 17, SEALED - 1) })
    .map(({ block, edge }) => HEADER + block * SEALED + edge),
  fc.nat({ max: 4 * SEALED }),
);

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: position, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: position }),
  fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);

const size = fc.oneof(
  fc.constantFrom(0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 17, 3 * BLOCK),
  fc.nat({ max: 3 * BLOCK + 100 }),
);

/** A range as `open` takes it: offset and length, or none (the whole file). */
const range = fc.option(fc.record({ offset: fc.nat({ max: 3 * BLOCK + 200 }), length: fc.nat({ max: 2 * BLOCK }) }));

/**
 * Reads `obj` (the file `plain` was, damaged): a success must give `plain`'s bytes for the range
 * (resolved against the size now listed, never past `plain`'s end); a failure must be typed and name
 * the file. Returns whether the read succeeded.
 */
async function check(obj: FsObject, plain: Uint8Array, r: { offset: number; length: number } | null) {
  try {
    const got = await toBytes(await obj.open(r ?? undefined));
    const { start, end } = resolveRange(r ?? undefined, obj.size);
    expect(got.length).toBe(end - start);
    // An empty range past the end of what was written (the listed size grew) reads as nothing.
    if (got.length === 0) return true;
    expect(end, "never more bytes than were written").toBeLessThanOrEqual(plain.length);
    expect(Buffer.from(got).equals(Buffer.from(plain.subarray(start, end))), "a read that succeeds is right").toBe(
      true,
    );
    return true;
  } catch (err) {
    if (!isTypedReadError(err)) throw err;
    expect(err.path).toBe(NAME);
    return false;
  }
}

describe("crypt file fuzz (seeded)", () => {
  it("damaged stored files: right bytes or a typed error naming the file", async () => {
    await fc.assert(
      fc.asyncProperty(size, damage, range, async (n, d, r) => {
        const raw = await memory();
        const crypt = await cryptOver(raw);
        const plain = content(n, n);
        await crypt.put(fromBytes(plain, 10_000), { remote: NAME, size: n, modTime: T0 });
        const [dir] = await raw.list("");
        const [stored] = await raw.list((dir as { remote: string }).remote);
        const file = stored as FsObject;
        const bytes = await toBytes(await file.open());
        const damaged = apply(bytes, d);
        await raw.put(fromBytes(damaged, 7000), { remote: file.remote, size: damaged.length, modTime: T0 });

        const fresh = await cryptOver(raw);
        const listed = (await fresh.list("dir")).find((e) => e.remote === NAME) as FsObject;
        const whole = await check(listed, plain, null);
        const changed = !Buffer.from(damaged).equals(Buffer.from(bytes));
        if (changed) {
          // Only the undetectable cut reads whole, and then as a prefix (checked above); an empty
          // file is its header alone, whose nonce seals no block, so a changed nonce reads as empty.
          const emptyNonce = n === 0 && d.kind === "flip" && d.at % bytes.length >= 8;
          expect(whole, `damage ${JSON.stringify(d)} to ${bytes.length} bytes went unnoticed`).toBe(
            cutAtBoundary(d, damaged.length) || emptyNonce,
          );
        }
        await check(await fresh.newObject(NAME), plain, r);
      }),
      { seed: 1502, numRuns: 150 },
    );
  });
});

/** Characters stored names are made of: every encoding's alphabet, both cases, and a few others. */
const NAME_CHARS = [
  ..."0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_=.",
  "é",
  "\u4e00",
  "\u9fff",
  "\u0100",
  "\ud7a3",
];

const MODES: Record<string, Partial<CryptOptions>> = {
  "standard, base32": {},
  "standard, base64": { filename_encoding: "base64" },
  "standard, base32768": { filename_encoding: "base32768" },
  obfuscate: { filename_encryption: "obfuscate" },
  off: { filename_encryption: "off" },
};

/** A name edit: replace, insert or delete one character, change the case of all, or cut. */
const edit = fc.record({
  op: fc.constantFrom("replace", "insert", "delete", "case", "cut"),
  at: fc.nat(),
  char: fc.constantFrom(...NAME_CHARS),
});

const plainName = fc.string({ unit: fc.constantFrom(..."abcxyz019 .-_é日"), minLength: 1, maxLength: 30 });

/** `stored` (the stored name of `plain`) with `edits` applied, or a name of random characters. */
const storedName = fc.oneof(
  fc.record({ plain: plainName, edits: fc.array(edit, { minLength: 1, maxLength: 3 }) }),
  fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 60 }),
);

function mutate(name: string, edits: { op: string; at: number; char: string }[]): string {
  let chars = [...name];
  for (const { op, at, char } of edits) {
    const i = at % (chars.length + 1);
    if (op === "replace" && i < chars.length) chars[i] = char;
    else if (op === "insert") chars.splice(i, 0, char);
    else if (op === "delete") chars.splice(i, 1);
    else if (op === "case") chars = [...chars.join("").toUpperCase()];
    else if (op === "cut") chars = chars.slice(0, i);
  }
  return chars.join("");
}

/** Whether a segment can be stored in the memory backend as one name. */
const storable = (s: string) => s !== "" && s !== "." && s !== ".." && !s.includes("/");

describe.each(Object.entries(MODES))("crypt name fuzz (seeded, %s)", (_mode, options) => {
  it("stored names that do not decrypt are skipped, or Corrupt naming them with strict_names", async () => {
    await fc.assert(
      fc.asyncProperty(storedName, fc.boolean(), async (spec, asDir) => {
        const raw = await memory();
        const crypt = await cryptOver(raw, options);
        const name = typeof spec === "string" ? spec : mutate(crypt.names.encryptFile(spec.plain), spec.edits);
        fc.pre(storable(name));
        if (asDir) await raw.mkdir(name);
        else await raw.put(fromBytes(content(name.length, 40)), { remote: name, size: 40, modTime: T0 });

        const entries = await crypt.list("");
        expect(entries.length).toBeLessThanOrEqual(1);
        for (const e of entries) {
          expect(badSegment(e.remote), `listed as ${JSON.stringify(e.remote)}`).toBeUndefined();
          if (e.kind === "file") {
            // 40 random bytes are no encrypted file: the read fails, naming the decrypted name.
            const err = await e
              .open()
              .then(toBytes)
              .catch((x: unknown) => x);
            expect(isTypedReadError(err) && err.path === e.remote, String(err)).toBe(true);
          }
        }

        const strict = await cryptOver(raw, { ...options, strict_names: true });
        try {
          const listed = await strict.list("");
          expect(listed.map((e) => e.remote)).toEqual(entries.map((e) => e.remote));
        } catch (err) {
          if (!isTypedReadError(err)) throw err;
          expect(entries).toEqual([]);
          expect(err).toMatchObject({ code: "Corrupt", path: name });
        }
      }),
      { seed: 1503, numRuns: 150 },
    );
  });
});
