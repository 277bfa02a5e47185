/**
 * A crypt write killed at any step leaves the previous version or the new one, whole: crypt hands
 * its ciphertext to one put of the wrapped remote, so its atomicity is that remote's (local: a
 * temporary file renamed at the end; memory: stored once the body has ended; chunker: its commit).
 * Every mutating call of an upload (known and unknown size) and of a server-side copy is tried as
 * the point of the kill; a fresh crypt remote over what storage holds then reads v1 or v2, never
 * other bytes. A real SIGKILL in the middle of a crypt upload to local disk is tried too.
 */
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Body, Fs } from "../../src/fs/types.js";
import { ChunkerFs } from "../../src/overlays/chunker/fs.js";
import { chunkerOptions } from "../chunker/options.js";
import { cryptOver } from "../crypt/stack.js";
import { killMidUpload } from "../kill-child.js";
import { tempDirs } from "../temp-dirs.js";
import { CrashFs, CrashPoint, readVersion } from "./crash.js";

const tempDir = tempDirs("strata-crypt-crash-");
const T0 = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
const T1 = new Date(Date.UTC(2021, 0, 2, 3, 4, 5));

const CHUNKER = chunkerOptions({ chunk_size: 20_000 });

/** A storage root, and how an overlay (crypt's wrapped remote) sits over it or over a crash layer on it. */
interface Stack {
  raw: () => Promise<Fs>;
  over: (below: Fs) => Fs;
}

const STACKS: Record<string, Stack> = {
  local: { raw: () => newFs(tempDir(), createContext()), over: (below) => below },
  memory: {
    raw: () => newFs(`:memory:crypt-crash-${Math.random().toString(36).slice(2)}`, createContext()),
    over: (below) => below,
  },
  "chunker(local)": {
    raw: () => newFs(tempDir(), createContext()),
    over: (below) => new ChunkerFs(":chunker", "", below, CHUNKER),
  },
};

function content(seed: number, size: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
}

const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** What a fresh crypt remote over `raw` reads as `f` (see `readVersion`). */
async function readState(stack: Stack, raw: Fs, v1: Uint8Array, v2: Uint8Array): Promise<string> {
  return readVersion(await cryptOver(stack.over(raw)), "f", v1, v2);
}

type Write = (crypt: Fs, raw: Fs) => Promise<unknown>;

/**
 * Writes v1 as `f`, then runs `write` (of v2 over a crash layer on the same storage) killed before
 * each mutating call in turn until it completes. Returns the states a reader saw, in order.
 */
async function everyKillPoint(stack: Stack, v1: Uint8Array, v2: Uint8Array, write: Write): Promise<string[]> {
  const seen: string[] = [];
  for (let at = 1; at < 200; at++) {
    const raw = await stack.raw();
    await (await cryptOver(stack.over(raw))).put(fromBytes(v1, 5000), { remote: "f", size: v1.length, modTime: T0 });
    const point = new CrashPoint(at);
    let completed = true;
    try {
      await write(await cryptOver(stack.over(new CrashFs(raw, point))), raw);
    } catch {
      completed = !point.crashed;
    }
    const state = await readState(stack, raw, v1, v2);
    expect(["old", "new"], `kill before mutating call ${at}, after: ${point.done.join(", ")}`).toContain(state);
    seen.push(state);
    if (completed) {
      expect(state).toBe("new");
      return seen;
    }
  }
  throw new Error("the write never completed");
}

/** A body of unknown length to the writer: 5000-byte pieces of `data`. */
async function* unsized(data: Uint8Array): Body {
  yield* fromBytes(data, 5000);
}

describe.each(Object.entries(STACKS))("crypt(%s) write killed at every step", (label, stack) => {
  const sizes = label.startsWith("chunker") ? [45_000, 130_000] : [0, 1, 65_535, 65_536, 65_537, 200_000];

  it.each(sizes)("upload of %i bytes over a file of 70,000", async (size) => {
    const v2 = content(size + 1, size);
    const seen = await everyKillPoint(stack, content(7, 70_000), v2, (crypt) =>
      crypt.put(fromBytes(v2, 5000), { remote: "f", size, modTime: T1 }),
    );
    expect(seen.at(0)).toBe("old");
  });

  it("upload of unknown size", async ({ skip }) => {
    const probe = await cryptOver(stack.over(await stack.raw()));
    if (!probe.features.putStream) skip("no putStream");
    const v2 = content(3, 100_000);
    const seen = await everyKillPoint(stack, content(4, 30_000), v2, (crypt) =>
      (crypt.features.putStream as NonNullable<Fs["features"]["putStream"]>)(unsized(v2), {
        remote: "f",
        size: -1,
        modTime: T1,
      }),
    );
    expect(seen.at(0)).toBe("old");
  });

  it("server-side copy onto the file", async () => {
    const v2 = content(5, 90_000);
    const seen = await everyKillPoint(stack, content(6, 40_000), v2, async (crypt, raw) => {
      await (await cryptOver(stack.over(raw))).put(fromBytes(v2), { remote: "g", size: v2.length, modTime: T1 });
      const copy = crypt.features.copy as NonNullable<Fs["features"]["copy"]>;
      return copy(await crypt.newObject("g"), "f");
    });
    expect(seen.at(0)).toBe("old");
  });
});

describe("crypt over local: upload killed with SIGKILL", () => {
  const FIXTURE = fileURLToPath(new URL("../conformance/fixtures/slow-put.ts", import.meta.url));

  it("leaves the previous version readable", async () => {
    const dir = tempDir();
    const remote = `:crypt,remote=${quoteValue(dir)},password=AAECAwQFBgcICQoLDA0OD2nqCVFioHI:`;
    const crypt = await newFs(remote, createContext());
    const v1 = content(8, 100_000);
    await crypt.put(fromBytes(v1), { remote: "f", size: v1.length, modTime: T0 });
    const killed = await killMidUpload(FIXTURE, [remote, String(20 * 1024 * 1024), "f"], 1024 * 1024, 0);
    expect(killed.signal).toBe("SIGKILL");
    const fresh = await newFs(remote, createContext());
    expect(digest(await toBytes(await (await fresh.newObject("f")).open()))).toBe(digest(v1));
  });
});
