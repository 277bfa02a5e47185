/**
 * The conformance suite every stack runs (rclone's fstests, OpenDAL's behaviour tests): the `Fs`
 * contract of `src/fs/types.ts` checked through the public interface only.
 *
 * Each `describe` group opens its own Fs and every case works under a fresh random directory, so one
 * failure leaves nothing behind that another case could trip over. Capability cases skip at run time
 * when the Fs does not declare the capability, and a declared fact is checked to hold.
 */
import { createHash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { type ErrorCode, isFsError } from "../../src/fs/errors.js";
import { DEFAULT_FLAGS, OPTIONAL_OPS } from "../../src/fs/features.js";
import { HASH_TYPES, type HashType } from "../../src/fs/hashes.js";
import { modTimeOf } from "../../src/fs/modtime.js";
import { isWrapping } from "../../src/fs/overlay.js";
import { joinRemote, parentOf } from "../../src/fs/path.js";
import {
  type Body,
  type CallOptions,
  type Entry,
  type Fs,
  type FsObject,
  MODTIME_NOT_SUPPORTED,
  type ObjectInfo,
  type OpenOptions,
} from "../../src/fs/types.js";
import { checkWrap } from "./wrap-check.js";

/**
 * Names from rclone's FsEncoding test, each a single path segment. "." and ".." are not legal names,
 * `/` is the separator and NUL is refused as a path escape, so those are left out.
 */
export const HOSTILE_NAMES = {
  "control-chars": `ctl ${Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join("")}\x7f end`,
  "leading-space": " leading space",
  "trailing-space": "trailing space ",
  "leading-cr": "\rleading CR",
  "trailing-cr": "trailing CR\r",
  "leading-lf": "\nleading LF",
  "trailing-lf": "trailing LF\n",
  "leading-ht": "\tleading HT",
  "trailing-ht": "trailing HT\t",
  "leading-vt": "\vleading VT",
  "trailing-vt": "trailing VT\v",
  "leading-dot": ".leading dot",
  "trailing-dot": "trailing dot.",
  "three-dots": "...",
  "leading-tilde": "~leading tilde",
  "url-encoding": "test%46.txt",
  "fullwidth-dots": "．．",
  "fullwidth-slash": "a／b",
  backslash: "back\\slash",
  colon: "co:lon",
  "windows-reserved": '*?<>|"',
  punctuation: "!\"#$%&'()*+,-.:;<=>?@[\\]^_`{|}~",
  // Bytes BF FE are not UTF-8; the local backend stores them raw and names them in surrogateescape form.
  "invalid-utf8": "bad\uDCBF\uDCFEname",
} as const;

export type HostileNameId = keyof typeof HOSTILE_NAMES;

/** What a stack row tells the suite about itself. */
export interface FsSuiteOptions {
  /** Hostile names the remote cannot hold (an overlay's name encoding, a server's rules); skipped. */
  unsupportedNames?: readonly HostileNameId[];
  /** The longest name segment the remote stores, in UTF-8 bytes (default 255, the local limit). */
  maxNameBytes?: number;
  /** Why the server cannot take concurrent replacements of one name, when it cannot; the test is skipped. */
  noConcurrentReplace?: string;
}

const UNICODE_NAMES: Record<string, string> = {
  greek: "Ελληνικά κείμενα.txt",
  cyrillic: "Русский текст.txt",
  cjk: "日本語のファイル名.txt",
  hangul: "한국어 파일.txt",
  arabic: "ملف عربي.txt",
  hebrew: "קובץ עברי.txt",
  devanagari: "हिन्दी फ़ाइल.txt",
  emoji: "🦄🌈 party 🎉👩‍👩‍👧.txt",
  // Decomposed é: the name must come back in the form it was given, not normalised.
  nfd: "cafe\u0301 decomposed.txt",
};

const KiB = 1024;
const MiB = 1024 * KiB;
const ROUND_TRIP_SIZES = [0, 1, 65535, 65536, 65537, 5 * MiB];
const T0 = new Date(Date.UTC(2001, 1, 3, 4, 5, 6, 789));
const T1 = new Date(Date.UTC(2019, 10, 12, 13, 14, 15, 456));

const rand = () => randomBytes(6).toString("hex");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

/** The hash as an independent implementation computes it (lower-case hex, crc32 as 8 digits). */
function expectedHash(type: HashType, data: Uint8Array): string {
  if (type === "crc32") return crc32(data).toString(16).padStart(8, "0");
  return createHash(type).update(data).digest("hex");
}

function info(remote: string, size: number, modTime = T0): ObjectInfo {
  return { remote, size, modTime };
}

async function putBytes(fs: Fs, remote: string, data: Uint8Array, modTime = T0, chunk = 4099): Promise<FsObject> {
  return fs.put(fromBytes(data, chunk), info(remote, data.length, modTime));
}

async function read(o: FsObject, range?: OpenOptions): Promise<Uint8Array> {
  return toBytes(await o.open(range));
}

async function readRemote(fs: Fs, remote: string): Promise<Uint8Array> {
  return read(await fs.newObject(remote));
}

/**
 * The rejection of `run()`. A synchronous throw fails the test: callers chain `.catch` on the
 * promise, so an error thrown before it exists escapes them.
 */
async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  let pending: Promise<unknown>;
  try {
    pending = run();
  } catch (err) {
    throw new Error(`threw synchronously instead of returning a rejected promise: ${String(err)}`);
  }
  try {
    await pending;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection, but the call succeeded");
}

function codeOf(err: unknown): string {
  return isFsError(err) ? err.code : `not an FsError: ${String(err)}`;
}

async function expectCode(run: () => Promise<unknown>, ...codes: ErrorCode[]): Promise<void> {
  const err = await rejection(run);
  expect(codeOf(err), String(err)).toBeOneOf(codes);
}

async function expectGone(fs: Fs, remote: string): Promise<void> {
  await expectCode(() => fs.newObject(remote), "ObjectNotFound");
}

/** A directory's entries, or none when it does not exist (a failed write may not create it). */
async function listOrEmpty(fs: Fs, dir: string): Promise<Entry[]> {
  try {
    return await fs.list(dir);
  } catch (err) {
    if (isFsError(err, "DirNotFound")) return [];
    throw err;
  }
}

/** Every entry under `dir`, by walking `list`, as `remote → "file:size" | "dir"`. */
async function walk(fs: Fs, dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const visit = async (d: string): Promise<void> => {
    for (const e of await fs.list(d)) {
      expect(parentOf(e.remote), `${e.remote} listed in ${d}`).toBe(d);
      expect(out.has(e.remote), `${e.remote} listed twice`).toBe(false);
      out.set(e.remote, e.kind === "file" ? `file:${e.size}` : "dir");
      if (e.kind === "dir") await visit(e.remote);
    }
  };
  await visit(dir);
  return out;
}

function sorted(m: Map<string, string>): [string, string][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function expectTimeClose(got: Date, want: Date, precisionNs: number, what: string): void {
  const tolerance = Math.max(precisionNs / 1e6, 1);
  expect(
    Math.abs(got.getTime() - want.getTime()),
    `${what}: ${got.toISOString()} vs ${want.toISOString()}`,
  ).toBeLessThanOrEqual(tolerance);
}

/** A body that yields `data` in two halves and throws between them, as a source dying mid-transfer. */
async function* failingBody(data: Uint8Array): Body {
  yield data.slice(0, data.length >> 1);
  throw new Error("source failed half-way");
}

/** A UTF-8 name of exactly `bytes` bytes (or one unit short) built from `unit`, ending in `.bin`. */
function longName(unit: string, bytes: number): string {
  const unitBytes = text(unit).length;
  const name = unit.repeat(Math.floor((bytes - 4) / unitBytes));
  return `${name}.bin`;
}

interface Scratch {
  fs: Fs;
  /** A new directory path unique to the calling case. */
  dir(): string;
}

/**
 * Registers the conformance suite for one stack. `makeFs` is called once per group; it may return a
 * fresh Fs or a shared one, since every case works under its own random directory.
 */
export function runFsSuite(label: string, makeFs: () => Promise<Fs>, opts: FsSuiteOptions = {}): void {
  const maxNameBytes = opts.maxNameBytes ?? 255;
  const unsupported = new Set<string>(opts.unsupportedNames ?? []);

  /** A describe group with its own Fs and its own random base directory. */
  const group = (title: string, body: (s: Scratch) => void) =>
    describe(title, () => {
      const base = `conformance-${rand()}`;
      const scratch: Scratch = {
        fs: undefined as unknown as Fs,
        dir: () => joinRemote(base, rand()),
      };
      beforeAll(async () => {
        scratch.fs = await makeFs();
      });
      body(scratch);
    });

  describe(label, () => {
    group("features", (s) => {
      it("declares well-formed facts, hashes, precision and optional operations", () => {
        const { fs } = s;
        for (const flag of Object.keys(DEFAULT_FLAGS))
          expect(typeof (fs.features as unknown as Record<string, unknown>)[flag]).toBe("boolean");
        for (const op of OPTIONAL_OPS) expect(["function", "undefined"]).toContain(typeof fs.features[op]);
        for (const h of fs.hashes) expect(HASH_TYPES).toContain(h);
        expect(fs.precision === MODTIME_NOT_SUPPORTED || (Number.isFinite(fs.precision) && fs.precision > 0)).toBe(
          true,
        );
        expect(typeof fs.name).toBe("string");
        expect(typeof fs.root).toBe("string");
        expect(fs.toString()).not.toBe("");
      });

      it("wrap check: no layer or overlay claims what it wraps lacks; unwrap() reaches the base", () => {
        const base = checkWrap(s.fs);
        expect(isWrapping(base)).toBe(false);
      });

      it("canHaveEmptyDirs: an empty directory made by mkdir is listed, and lists empty", async (ctx) => {
        const { fs } = s;
        ctx.skip(!fs.features.canHaveEmptyDirs, "directories are key prefixes here");
        const dir = s.dir();
        await fs.mkdir(`${dir}/empty`);
        const entries = await fs.list(dir);
        expect(entries.map((e) => [e.remote, e.kind])).toEqual([[`${dir}/empty`, "dir"]]);
        expect(await fs.list(`${dir}/empty`)).toEqual([]);
      });

      it("caseInsensitive: names differing in case are one file exactly when declared", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/Case.txt`, text("upper"));
        if (fs.features.caseInsensitive) {
          expect(new TextDecoder().decode(await readRemote(fs, `${dir}/case.txt`))).toBe("upper");
        } else {
          await expectGone(fs, `${dir}/case.txt`);
          await putBytes(fs, `${dir}/case.txt`, text("lower"));
          expect(new TextDecoder().decode(await readRemote(fs, `${dir}/Case.txt`))).toBe("upper");
          expect((await fs.list(dir)).map((e) => e.remote).sort()).toEqual([`${dir}/Case.txt`, `${dir}/case.txt`]);
        }
      });

      it("about: reports non-negative numbers when declared", async (ctx) => {
        const about = s.fs.features.about;
        ctx.skip(!about, "no about");
        const usage = await (about as NonNullable<typeof about>)();
        for (const key of ["total", "used", "free", "objects"] as const) {
          const v = usage[key];
          if (v !== undefined) expect(Number.isFinite(v) && v >= 0, `${key}=${v}`).toBe(true);
        }
      });

      it("cleanUp: leaves finished files alone when declared", async (ctx) => {
        const { fs } = s;
        const cleanUp = fs.features.cleanUp;
        ctx.skip(!cleanUp, "no cleanUp");
        const dir = s.dir();
        const data = randomBytes(1000);
        await putBytes(fs, `${dir}/keep.bin`, data);
        await (cleanUp as NonNullable<typeof cleanUp>)();
        expect(sha256(await readRemote(fs, `${dir}/keep.bin`))).toBe(sha256(data));
      });
    });

    group("round trips", (s) => {
      for (const size of ROUND_TRIP_SIZES) {
        it(`round-trips ${size} random bytes (put → newObject/list → open)`, async () => {
          const { fs } = s;
          const dir = s.dir();
          const remote = `${dir}/file-${size}.bin`;
          const data = randomBytes(size);
          const put = await putBytes(fs, remote, data);
          expect(put.remote).toBe(remote);
          expect(put.size).toBe(size);
          const obj = await fs.newObject(remote);
          expect(obj.kind).toBe("file");
          expect(obj.remote).toBe(remote);
          expect(obj.size).toBe(size);
          const listed = (await fs.list(dir)).filter((e) => e.remote === remote);
          expect(listed.map((e) => [e.kind, e.kind === "file" ? e.size : -1])).toEqual([["file", size]]);
          const got = await read(obj);
          expect(got.length).toBe(size);
          expect(sha256(got)).toBe(sha256(data));
          // A handle from a listing reads the same bytes as one from newObject.
          expect(sha256(await read(listed[0] as FsObject))).toBe(sha256(data));
        });
      }

      it("overwrites with a smaller file", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/over.bin`;
        await putBytes(fs, remote, randomBytes(100 * KiB));
        const small = randomBytes(10);
        await putBytes(fs, remote, small, T1);
        const obj = await fs.newObject(remote);
        expect(obj.size).toBe(10);
        expect(sha256(await read(obj))).toBe(sha256(small));
      });

      it("overwrites with a larger file", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/over.bin`;
        await putBytes(fs, remote, randomBytes(10));
        const large = randomBytes(100 * KiB + 3);
        await putBytes(fs, remote, large, T1);
        const obj = await fs.newObject(remote);
        expect(obj.size).toBe(large.length);
        expect(sha256(await read(obj))).toBe(sha256(large));
      });

      it("takes 20 concurrent writes to different files, all readable", async () => {
        const { fs } = s;
        const dir = `${s.dir()}/new/parent`;
        const files = Array.from({ length: 20 }, (_, i) => ({
          remote: `${dir}/f${i}.bin`,
          data: randomBytes(1000 + i * 997),
        }));
        await Promise.all(files.map((f) => putBytes(fs, f.remote, f.data)));
        for (const f of files) expect(sha256(await readRemote(fs, f.remote)), f.remote).toBe(sha256(f.data));
        expect((await fs.list(dir)).length).toBe(20);
      });

      it("leaves one whole version after concurrent writes to the same name", async (ctx) => {
        ctx.skip(opts.noConcurrentReplace !== undefined, opts.noConcurrentReplace);
        const { fs } = s;
        const remote = `${s.dir()}/same.bin`;
        const versions = Array.from({ length: 5 }, (_, i) => randomBytes(50 * KiB + i));
        await Promise.all(versions.map((v) => putBytes(fs, remote, v)));
        const got = sha256(await readRemote(fs, remote));
        expect(versions.map(sha256)).toContain(got);
        expect((await fs.list(parentOf(remote))).length).toBe(1);
      });

      it("putStream: stores a body of unknown size (size -1) when declared", async (ctx) => {
        const { fs } = s;
        const putStream = fs.features.putStream;
        ctx.skip(!putStream, "no putStream");
        const remote = `${s.dir()}/stream.bin`;
        const data = randomBytes(200 * KiB + 7);
        const obj = await (putStream as NonNullable<typeof putStream>)(fromBytes(data, 33 * KiB), info(remote, -1));
        expect(obj.size).toBe(data.length);
        const again = await fs.newObject(remote);
        expect(again.size).toBe(data.length);
        expect(sha256(await read(again))).toBe(sha256(data));
      });

      it("putStream: stores an empty body of unknown size when declared", async (ctx) => {
        const { fs } = s;
        const putStream = fs.features.putStream;
        ctx.skip(!putStream, "no putStream");
        const remote = `${s.dir()}/empty-stream.bin`;
        const obj = await (putStream as NonNullable<typeof putStream>)(fromBytes(new Uint8Array(0)), info(remote, -1));
        expect(obj.size).toBe(0);
        expect((await fs.newObject(remote)).size).toBe(0);
      });
    });

    group("ranged reads", (s) => {
      const SIZE = 1000;
      const cases: [string, OpenOptions, number, number][] = [
        ["at the start", { offset: 0, length: 10 }, 0, 10],
        ["in the middle", { offset: 437, length: 123 }, 437, 560],
        ["to the end (offset only)", { offset: 990 }, 990, SIZE],
        ["with a length beyond the end", { offset: 995, length: 100 }, 995, SIZE],
        ["at offset == size (empty)", { offset: SIZE }, SIZE, SIZE],
        ["past the end (empty)", { offset: SIZE + 500, length: 10 }, SIZE, SIZE],
        ["of length 0 (empty)", { offset: 10, length: 0 }, 10, 10],
        ["with a length only", { length: 7 }, 0, 7],
      ];
      for (const [what, range, start, end] of cases) {
        it(`reads a range ${what}`, async () => {
          const { fs } = s;
          const data = randomBytes(SIZE);
          const obj = await putBytes(fs, `${s.dir()}/range.bin`, data, T0, 97);
          expect(Buffer.from(await read(obj, range))).toEqual(Buffer.from(data.subarray(start, end)));
          // Through a fresh handle too: the range must not depend on state kept by put.
          const again = await fs.newObject(obj.remote);
          expect(Buffer.from(await read(again, range))).toEqual(Buffer.from(data.subarray(start, end)));
        });
      }

      it("reads ranges across 1 MiB boundaries of a multi-MiB file", async () => {
        const { fs } = s;
        const data = randomBytes(3 * MiB + 5);
        const obj = await putBytes(fs, `${s.dir()}/big.bin`, data, T0, 64 * KiB);
        for (const [offset, length] of [
          [MiB - 3, 10],
          [2 * MiB - 1, MiB + 2],
          [3 * MiB, 100],
        ] as const) {
          const got = await read(obj, { offset, length });
          expect(sha256(got), `${offset}+${length}`).toBe(sha256(data.subarray(offset, offset + length)));
        }
      });

      it("reads an empty file, whole and at offset 0", async () => {
        const { fs } = s;
        const obj = await putBytes(fs, `${s.dir()}/empty.bin`, new Uint8Array(0));
        expect((await read(obj)).length).toBe(0);
        expect((await read(obj, { offset: 0, length: 10 })).length).toBe(0);
      });
    });

    group("listing", (s) => {
      it("lists nested directories completely, with kinds and sizes", async () => {
        const { fs } = s;
        const dir = s.dir();
        const files: Record<string, number> = {
          "top.txt": 3,
          "a/one.bin": 10,
          "a/b/two.bin": 0,
          "a/b/c/three.bin": 100,
          "a/b/c/four.bin": 1,
          "x y/ü.txt": 5,
        };
        await Promise.all(
          Object.entries(files).map(([name, size]) => putBytes(fs, `${dir}/${name}`, randomBytes(size))),
        );
        const want = new Map<string, string>();
        for (const [name, size] of Object.entries(files)) want.set(`${dir}/${name}`, `file:${size}`);
        for (const d of ["a", "a/b", "a/b/c", "x y"]) want.set(`${dir}/${d}`, "dir");
        if (fs.features.canHaveEmptyDirs) {
          await fs.mkdir(`${dir}/a/empty`);
          want.set(`${dir}/a/empty`, "dir");
        }
        expect(sorted(await walk(fs, dir))).toEqual(sorted(want));
      });

      it("lists the root, including the directories made under it", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/f.txt`, text("x"));
        const top = dir.split("/")[0] as string;
        const root = await fs.list("");
        expect(root.filter((e) => e.remote === top).map((e) => e.kind)).toEqual(["dir"]);
      });

      it("gives directory entries a modtime", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/sub/f.txt`, text("x"));
        const [entry] = await fs.list(dir);
        expect(entry?.kind).toBe("dir");
        expect(entry?.modTime).toBeInstanceOf(Date);
        expect(Number.isNaN(entry?.modTime.getTime())).toBe(false);
      });

      it("list of a missing directory throws DirNotFound", async () => {
        const { fs } = s;
        const dir = s.dir();
        await expectCode(() => fs.list(`${dir}/missing`), "DirNotFound");
        await putBytes(fs, `${dir}/f.txt`, text("x"));
        await expectCode(() => fs.list(`${dir}/missing/deeper`), "DirNotFound");
      });

      it("list of a file's path throws DirNotFound", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/f.txt`;
        await putBytes(fs, remote, text("x"));
        await expectCode(() => fs.list(remote), "DirNotFound");
      });
    });

    group("objects and directories", (s) => {
      it("newObject of a missing file throws ObjectNotFound", async () => {
        const { fs } = s;
        const dir = s.dir();
        await expectGone(fs, `${dir}/missing.bin`);
        await putBytes(fs, `${dir}/other.bin`, text("x"));
        await expectGone(fs, `${dir}/missing.bin`);
      });

      it("newObject of a directory throws IsDir", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/sub/f.txt`, text("x"));
        // As rclone's FsNewObjectDir: stores without real directories may only know the object is not there.
        const allowed: ErrorCode[] = fs.features.canHaveEmptyDirs ? ["IsDir"] : ["IsDir", "ObjectNotFound"];
        await expectCode(() => fs.newObject(`${dir}/sub`), ...allowed);
      });

      it("newObject below a file throws ObjectNotFound", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/f.txt`;
        await putBytes(fs, remote, text("x"));
        await expectGone(fs, `${remote}/child`);
      });

      it("remove deletes the file; removing again throws ObjectNotFound", async () => {
        const { fs } = s;
        const dir = s.dir();
        const obj = await putBytes(fs, `${dir}/doomed.bin`, randomBytes(100));
        await putBytes(fs, `${dir}/kept.bin`, text("kept"));
        await obj.remove();
        await expectGone(fs, `${dir}/doomed.bin`);
        await expectCode(() => obj.remove(), "ObjectNotFound");
        expect((await listOrEmpty(fs, dir)).map((e) => e.remote)).toEqual([`${dir}/kept.bin`]);
      });

      it("mkdir is idempotent and keeps what is inside", async () => {
        const { fs } = s;
        const dir = s.dir();
        await fs.mkdir(dir);
        await fs.mkdir(dir);
        await putBytes(fs, `${dir}/f.txt`, text("x"));
        await fs.mkdir(dir);
        expect((await fs.list(dir)).map((e) => e.remote)).toEqual([`${dir}/f.txt`]);
      });

      it("mkdir makes a nested path with its parents", async () => {
        const { fs } = s;
        const dir = s.dir();
        await fs.mkdir(`${dir}/a/b/c`);
        if (fs.features.canHaveEmptyDirs) {
          expect(sorted(await walk(fs, dir))).toEqual([
            [`${dir}/a`, "dir"],
            [`${dir}/a/b`, "dir"],
            [`${dir}/a/b/c`, "dir"],
          ]);
        }
        // Files go into the made directory either way.
        await putBytes(fs, `${dir}/a/b/c/f.txt`, text("x"));
        expect((await fs.list(`${dir}/a/b/c`)).map((e) => e.remote)).toEqual([`${dir}/a/b/c/f.txt`]);
      });

      it("rmdir of a non-empty directory throws DirNotEmpty and removes nothing", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/full/f.txt`, text("x"));
        await expectCode(() => fs.rmdir(`${dir}/full`), "DirNotEmpty");
        expect(new TextDecoder().decode(await readRemote(fs, `${dir}/full/f.txt`))).toBe("x");
      });

      it("rmdir of a missing directory throws DirNotFound", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/f.txt`, text("x"));
        await expectCode(() => fs.rmdir(`${dir}/missing`), "DirNotFound");
      });

      it("rmdir removes an empty directory", async (ctx) => {
        const { fs } = s;
        ctx.skip(!fs.features.canHaveEmptyDirs, "directories are key prefixes here");
        const dir = s.dir();
        await fs.mkdir(`${dir}/gone`);
        await fs.mkdir(`${dir}/stays`);
        await fs.rmdir(`${dir}/gone`);
        expect((await fs.list(dir)).map((e) => e.remote)).toEqual([`${dir}/stays`]);
        await expectCode(() => fs.list(`${dir}/gone`), "DirNotFound");
      });
    });

    group("failed writes", (s) => {
      it("put with a declared size larger than the body fails and leaves no object", async () => {
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/short.bin`;
        await rejection(() => fs.put(fromBytes(randomBytes(500)), info(remote, 1000)));
        await expectGone(fs, remote);
        expect(await listOrEmpty(fs, dir)).toEqual([]);
      });

      it("put with a body larger than declared fails and keeps the previous version", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/long.bin`;
        const old = randomBytes(300);
        await putBytes(fs, remote, old);
        await rejection(() => fs.put(fromBytes(randomBytes(2000)), info(remote, 1000)));
        const obj = await fs.newObject(remote);
        expect(obj.size).toBe(300);
        expect(sha256(await read(obj))).toBe(sha256(old));
      });

      it("a body that throws half-way leaves no object", async () => {
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/broken.bin`;
        const err = await rejection(() => fs.put(failingBody(randomBytes(64 * KiB)), info(remote, 64 * KiB)));
        expect(String(err)).toContain("source failed half-way");
        await expectGone(fs, remote);
        expect(await listOrEmpty(fs, dir)).toEqual([]);
      });

      it("a body that throws half-way keeps the previous version intact", async () => {
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/broken.bin`;
        const old = randomBytes(10 * KiB);
        await putBytes(fs, remote, old);
        await rejection(() => fs.put(failingBody(randomBytes(64 * KiB)), info(remote, 64 * KiB, T1)));
        const obj = await fs.newObject(remote);
        expect(obj.size).toBe(old.length);
        expect(sha256(await read(obj))).toBe(sha256(old));
        expect((await fs.list(dir)).map((e) => e.remote)).toEqual([remote]);
      });

      it("a put aborted through its signal part-way fails and keeps the previous version", async () => {
        const { fs } = s;
        const remote = `${s.dir()}/aborted.bin`;
        const old = randomBytes(1000);
        await putBytes(fs, remote, old);
        const abort = new AbortController();
        async function* body(): Body {
          yield randomBytes(KiB);
          abort.abort();
          yield randomBytes(KiB);
          yield randomBytes(KiB);
        }
        await rejection(() => fs.put(body(), info(remote, 3 * KiB), { signal: abort.signal } satisfies CallOptions));
        expect(sha256(await readRemote(fs, remote))).toBe(sha256(old));
      });
    });

    group("path escapes", (s) => {
      it("list('../x') throws PathEscape", async () => {
        await expectCode(() => s.fs.list("../x"), "PathEscape");
      });

      it("newObject('a/../../x') throws PathEscape", async () => {
        await expectCode(() => s.fs.newObject("a/../../x"), "PathEscape");
      });

      it("put to an absolute path throws PathEscape and writes nothing", async () => {
        const { fs } = s;
        const name = `abs-${rand()}`;
        await expectCode(() => fs.put(fromBytes(text("x")), info(`/${name}`, 1)), "PathEscape");
        await expectGone(fs, name);
      });

      it("newObject('a\\0b') (a NUL byte) throws PathEscape", async () => {
        await expectCode(() => s.fs.newObject("a\0b"), "PathEscape");
      });

      it("mkdir, rmdir and put refuse a climb above the root", async () => {
        const { fs } = s;
        await expectCode(() => fs.mkdir(".."), "PathEscape");
        await expectCode(() => fs.mkdir(`x/../../${rand()}`), "PathEscape");
        await expectCode(() => fs.rmdir("../x"), "PathEscape");
        await expectCode(() => fs.put(fromBytes(text("x")), info(`a/../../${rand()}`, 1)), "PathEscape");
      });

      it("server-side operations refuse a climb above the root when declared", async (ctx) => {
        const { fs } = s;
        const { copy, move, dirMove, purge, putStream } = fs.features;
        ctx.skip(!copy && !move && !dirMove && !purge && !putStream, "no server-side operations");
        const obj = await putBytes(fs, `${s.dir()}/src.bin`, text("x"));
        if (copy) await expectCode(() => copy(obj, `../${rand()}`), "PathEscape");
        if (move) await expectCode(() => move(obj, `../${rand()}`), "PathEscape");
        if (dirMove) await expectCode(() => dirMove(fs, parentOf(obj.remote), `../${rand()}`), "PathEscape");
        if (purge) await expectCode(() => purge(".."), "PathEscape");
        if (putStream) await expectCode(() => putStream(fromBytes(text("x")), info(`../${rand()}`, -1)), "PathEscape");
        expect(new TextDecoder().decode(await read(obj))).toBe("x");
      });

      it("resolves a '..' that stays inside the root", async () => {
        const { fs } = s;
        const dir = s.dir();
        await putBytes(fs, `${dir}/sub/../f.txt`, text("inside"));
        expect(new TextDecoder().decode(await readRemote(fs, `${dir}/f.txt`))).toBe("inside");
        expect(new TextDecoder().decode(await readRemote(fs, `${dir}/./sub/../f.txt`))).toBe("inside");
      });
    });

    group("names", (s) => {
      /** Puts `name` in a fresh dir and reads it back through list, newObject and open. */
      const roundTrip = async (name: string) => {
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/${name}`;
        const data = text(`content of ${JSON.stringify(name)}`);
        expect((await putBytes(fs, remote, data)).remote).toBe(remote);
        const listed = (await fs.list(dir)).filter((e) => e.remote === remote);
        expect(listed.length, `${JSON.stringify(remote)} listed once`).toBe(1);
        expect(Buffer.from(await read(listed[0] as FsObject))).toEqual(Buffer.from(data));
        expect(Buffer.from(await readRemote(fs, remote))).toEqual(Buffer.from(data));
      };

      for (const [script, name] of Object.entries(UNICODE_NAMES)) {
        it(`round-trips a ${script} name`, () => roundTrip(name));
      }

      it("round-trips unicode directory names", async () => {
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/日本語/Ελληνικά/🦄 dir/f.txt`;
        await putBytes(fs, remote, text("deep"));
        expect(sorted(await walk(fs, dir))).toEqual(
          sorted(
            new Map([
              [`${dir}/日本語`, "dir"],
              [`${dir}/日本語/Ελληνικά`, "dir"],
              [`${dir}/日本語/Ελληνικά/🦄 dir`, "dir"],
              [remote, "file:4"],
            ]),
          ),
        );
      });

      it("round-trips names with spaces", async () => {
        for (const name of ["with space.txt", "two  spaces", "  both ends  "]) await roundTrip(name);
      });

      for (const [what, unit] of [
        ["ASCII", "a"],
        ["2-byte UTF-8", "é"],
        ["3-byte UTF-8", "語"],
        ["4-byte UTF-8", "🦄"],
      ] as const) {
        it(`round-trips a long ${what} name (≥200 bytes)`, async (ctx) => {
          ctx.skip(maxNameBytes < 200, `names are limited to ${maxNameBytes} bytes`);
          const name = longName(unit, maxNameBytes);
          expect(text(name).length).toBeGreaterThanOrEqual(Math.min(200, maxNameBytes - 3));
          expect(text(name).length).toBeLessThanOrEqual(maxNameBytes);
          await roundTrip(name);
        });
      }

      it("round-trips a long directory name", async (ctx) => {
        ctx.skip(maxNameBytes < 200, `names are limited to ${maxNameBytes} bytes`);
        const { fs } = s;
        const dir = s.dir();
        const remote = `${dir}/${longName("d", maxNameBytes)}/${longName("f", maxNameBytes)}`;
        await putBytes(fs, remote, text("long"));
        expect((await fs.list(parentOf(remote))).map((e) => e.remote)).toEqual([remote]);
      });

      for (const [id, name] of Object.entries(HOSTILE_NAMES)) {
        it.skipIf(unsupported.has(id))(`round-trips the hostile name ${id} (${JSON.stringify(name)})`, () =>
          roundTrip(name),
        );
      }

      it("lists every hostile name in one directory exactly once", async () => {
        const { fs } = s;
        const dir = s.dir();
        const names = Object.entries(HOSTILE_NAMES)
          .filter(([id]) => !unsupported.has(id))
          .map(([, name]) => name);
        for (const name of names) await putBytes(fs, `${dir}/${name}`, text(name));
        const listed = (await fs.list(dir)).map((e) => e.remote);
        expect([...listed].sort()).toEqual(names.map((n) => `${dir}/${n}`).sort());
        for (const name of names) {
          // Compared as bytes: a lone surrogate encodes to U+FFFD, so the decoded text would not match.
          expect(Buffer.from(await readRemote(fs, `${dir}/${name}`)), JSON.stringify(name)).toEqual(
            Buffer.from(text(name)),
          );
        }
      });
    });

    group("modtimes", (s) => {
      it("keeps the modtime given to put, to the declared precision", async (ctx) => {
        const { fs } = s;
        ctx.skip(fs.precision === MODTIME_NOT_SUPPORTED, "modtimes are not stored");
        const dir = s.dir();
        const remote = `${dir}/dated.bin`;
        const put = await putBytes(fs, remote, randomBytes(100), T0);
        expectTimeClose(await modTimeOf(put), T0, fs.precision, "put result");
        expectTimeClose(await modTimeOf(await fs.newObject(remote)), T0, fs.precision, "newObject");
        // A listing may leave the modtime to be loaded (S3 lists upload times): modTimeOf loads it.
        const [listed] = await fs.list(dir);
        expect(listed?.kind).toBe("file");
        expectTimeClose(await modTimeOf(listed as FsObject), T0, fs.precision, "list");
        expectTimeClose((listed as FsObject).modTime, T0, fs.precision, "list, once loaded");
      });

      it("setModTime changes the modtime and not the content", async (ctx) => {
        const { fs } = s;
        ctx.skip(fs.precision === MODTIME_NOT_SUPPORTED, "modtimes are not stored");
        const remote = `${s.dir()}/dated.bin`;
        const data = randomBytes(100);
        const obj = await putBytes(fs, remote, data, T0);
        try {
          await obj.setModTime(T1);
        } catch (err) {
          if (isFsError(err, "NotImplemented")) ctx.skip("setModTime is not supported (sync re-uploads)");
          throw err;
        }
        const again = await fs.newObject(remote);
        expectTimeClose(await modTimeOf(again), T1, fs.precision, "after setModTime");
        expect(sha256(await read(again))).toBe(sha256(data));
      });

      it("an overwrite takes the new modtime", async (ctx) => {
        const { fs } = s;
        ctx.skip(fs.precision === MODTIME_NOT_SUPPORTED, "modtimes are not stored");
        const remote = `${s.dir()}/dated.bin`;
        await putBytes(fs, remote, randomBytes(100), T0);
        await putBytes(fs, remote, randomBytes(100), T1);
        expectTimeClose(await modTimeOf(await fs.newObject(remote)), T1, fs.precision, "after overwrite");
      });
    });

    group("hashes", (s) => {
      for (const type of HASH_TYPES) {
        it(`${type}: when declared, equals an independent implementation's (lower-case hex)`, async (ctx) => {
          const { fs } = s;
          ctx.skip(!fs.hashes.has(type), `${type} is not declared`);
          const data = randomBytes(70 * KiB + 11);
          const obj = await putBytes(fs, `${s.dir()}/h.bin`, data);
          const want = expectedHash(type, data);
          expect(await obj.hash(type)).toBe(want);
          expect(await (await fs.newObject(obj.remote)).hash(type)).toBe(want);
          const [listed] = (await fs.list(parentOf(obj.remote))) as FsObject[];
          expect(await listed?.hash(type)).toBe(want);
        });
      }

      it("a hash type not declared throws NotImplemented", async (ctx) => {
        const { fs } = s;
        const undeclared = HASH_TYPES.filter((t) => !fs.hashes.has(t));
        ctx.skip(undeclared.length === 0, "every hash type is declared");
        const obj = await putBytes(fs, `${s.dir()}/h.bin`, randomBytes(100));
        for (const type of undeclared) await expectCode(() => obj.hash(type), "NotImplemented");
      });

      it("hashes of an empty file are the empty-input digests", async (ctx) => {
        const { fs } = s;
        ctx.skip(fs.hashes.size === 0, "no hashes");
        const obj = await putBytes(fs, `${s.dir()}/empty.bin`, new Uint8Array(0));
        for (const type of fs.hashes) expect(await obj.hash(type), type).toBe(expectedHash(type, new Uint8Array(0)));
      });

      it("hashes follow an overwrite", async (ctx) => {
        const { fs } = s;
        ctx.skip(fs.hashes.size === 0, "no hashes");
        const remote = `${s.dir()}/h.bin`;
        await putBytes(fs, remote, randomBytes(1000));
        const data = randomBytes(999);
        await putBytes(fs, remote, data);
        const obj = await fs.newObject(remote);
        for (const type of fs.hashes) expect(await obj.hash(type), type).toBe(expectedHash(type, data));
      });
    });

    group("server-side operations", (s) => {
      it("copy: the copy has the content and modtime, the source stays (when declared)", async (ctx) => {
        const { fs } = s;
        const copy = fs.features.copy;
        ctx.skip(!copy, "no copy");
        const dir = s.dir();
        const data = randomBytes(100 * KiB);
        const src = await putBytes(fs, `${dir}/src.bin`, data, T0);
        const dst = await (copy as NonNullable<typeof copy>)(src, `${dir}/new/sub/dst.bin`);
        expect(dst.remote).toBe(`${dir}/new/sub/dst.bin`);
        expect(dst.size).toBe(data.length);
        expect(sha256(await readRemote(fs, `${dir}/new/sub/dst.bin`))).toBe(sha256(data));
        expect(sha256(await readRemote(fs, `${dir}/src.bin`))).toBe(sha256(data));
        if (fs.precision !== MODTIME_NOT_SUPPORTED) {
          expectTimeClose(await modTimeOf(await fs.newObject(dst.remote)), T0, fs.precision, "copied modtime");
        }
        expect(sorted(await walk(fs, dir))).toEqual([
          [`${dir}/new`, "dir"],
          [`${dir}/new/sub`, "dir"],
          [`${dir}/new/sub/dst.bin`, `file:${data.length}`],
          [`${dir}/src.bin`, `file:${data.length}`],
        ]);
      });

      it("copy: replaces an existing destination (when declared)", async (ctx) => {
        const { fs } = s;
        const copy = fs.features.copy;
        ctx.skip(!copy, "no copy");
        const dir = s.dir();
        const data = randomBytes(500);
        const src = await putBytes(fs, `${dir}/src.bin`, data);
        await putBytes(fs, `${dir}/dst.bin`, randomBytes(5000));
        await (copy as NonNullable<typeof copy>)(src, `${dir}/dst.bin`);
        const dst = await fs.newObject(`${dir}/dst.bin`);
        expect(dst.size).toBe(500);
        expect(sha256(await read(dst))).toBe(sha256(data));
      });

      it("move: the destination has the content, the source is gone (when declared)", async (ctx) => {
        const { fs } = s;
        const move = fs.features.move;
        ctx.skip(!move, "no move");
        const dir = s.dir();
        const data = randomBytes(100 * KiB);
        const src = await putBytes(fs, `${dir}/src.bin`, data, T0);
        const dst = await (move as NonNullable<typeof move>)(src, `${dir}/other/dst.bin`);
        expect(dst.remote).toBe(`${dir}/other/dst.bin`);
        expect(dst.size).toBe(data.length);
        await expectGone(fs, `${dir}/src.bin`);
        expect(sha256(await readRemote(fs, `${dir}/other/dst.bin`))).toBe(sha256(data));
        if (fs.precision !== MODTIME_NOT_SUPPORTED) {
          expectTimeClose(await modTimeOf(await fs.newObject(dst.remote)), T0, fs.precision, "moved modtime");
        }
        const files = [...(await walk(fs, dir))].filter(([, kind]) => kind !== "dir");
        expect(files).toEqual([[`${dir}/other/dst.bin`, `file:${data.length}`]]);
      });

      it("move: replaces an existing destination (when declared)", async (ctx) => {
        const { fs } = s;
        const move = fs.features.move;
        ctx.skip(!move, "no move");
        const dir = s.dir();
        const data = randomBytes(500);
        const src = await putBytes(fs, `${dir}/src.bin`, data);
        await putBytes(fs, `${dir}/dst.bin`, randomBytes(5000));
        await (move as NonNullable<typeof move>)(src, `${dir}/dst.bin`);
        await expectGone(fs, `${dir}/src.bin`);
        expect(sha256(await readRemote(fs, `${dir}/dst.bin`))).toBe(sha256(data));
      });

      it("dirMove: moves a whole tree, leaving no source (when declared)", async (ctx) => {
        const { fs } = s;
        const dirMove = fs.features.dirMove;
        ctx.skip(!dirMove, "no dirMove");
        const dir = s.dir();
        const tree: Record<string, Uint8Array> = {
          "a.bin": randomBytes(10),
          "sub/b.bin": randomBytes(2000),
          "sub/deeper/c.bin": randomBytes(0),
        };
        for (const [name, data] of Object.entries(tree)) await putBytes(fs, `${dir}/src/${name}`, data);
        const before = await walk(fs, `${dir}/src`);
        await (dirMove as NonNullable<typeof dirMove>)(fs, `${dir}/src`, `${dir}/moved/here`);
        const after = await walk(fs, `${dir}/moved/here`);
        const rel = (m: Map<string, string>, prefix: string) =>
          sorted(new Map([...m].map(([k, v]) => [k.slice(prefix.length), v])));
        expect(rel(after, `${dir}/moved/here`)).toEqual(rel(before, `${dir}/src`));
        expect(after.size).toBe(5);
        for (const [name, data] of Object.entries(tree)) {
          expect(sha256(await readRemote(fs, `${dir}/moved/here/${name}`)), name).toBe(sha256(data));
        }
        expect(await listOrEmpty(fs, `${dir}/src`)).toEqual([]);
        await expectGone(fs, `${dir}/src/a.bin`);
      });

      it("dirMove: onto an existing directory throws AlreadyExists and moves nothing (when declared)", async (ctx) => {
        const { fs } = s;
        const dirMove = fs.features.dirMove;
        ctx.skip(!dirMove, "no dirMove");
        const dir = s.dir();
        await putBytes(fs, `${dir}/src/a.bin`, text("a"));
        await putBytes(fs, `${dir}/dst/b.bin`, text("b"));
        await expectCode(
          () => (dirMove as NonNullable<typeof dirMove>)(fs, `${dir}/src`, `${dir}/dst`),
          "AlreadyExists",
        );
        expect(sorted(await walk(fs, dir))).toEqual([
          [`${dir}/dst`, "dir"],
          [`${dir}/dst/b.bin`, "file:1"],
          [`${dir}/src`, "dir"],
          [`${dir}/src/a.bin`, "file:1"],
        ]);
      });

      it("purge: removes a directory and everything under it, nothing else (when declared)", async (ctx) => {
        const { fs } = s;
        const purge = fs.features.purge;
        ctx.skip(!purge, "no purge");
        const dir = s.dir();
        for (const name of ["doomed/a.bin", "doomed/sub/b.bin", "doomed/sub/deeper/c.bin", "kept/d.bin", "e.bin"]) {
          await putBytes(fs, `${dir}/${name}`, text(name));
        }
        await (purge as NonNullable<typeof purge>)(`${dir}/doomed`);
        await expectCode(() => fs.list(`${dir}/doomed`), "DirNotFound");
        await expectGone(fs, `${dir}/doomed/a.bin`);
        expect(sorted(await walk(fs, dir))).toEqual([
          [`${dir}/e.bin`, "file:5"],
          [`${dir}/kept`, "dir"],
          [`${dir}/kept/d.bin`, "file:10"],
        ]);
      });
    });
  });
}
