/**
 * compress uploads killed at every step (CrashFs: the Nth mutating call below the overlay and all
 * after it never reach storage): over memory, v1 (several blocks) is written, then v2 is uploaded
 * with a crash before mutating call N, for N = 1, 2, … until the upload completes. Each time a fresh
 * overlay over what storage holds must read exactly v1 or v2 (never another version's bytes, never an
 * error, never a missing file), and after `cleanup` the same version must still read, with nothing
 * left but its metadata and one data object. The same for a server-side copy onto the file.
 */
import { describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { CompressFs } from "../../src/overlays/compress/fs.js";
import { compressibleText, seededBytes } from "../compress/tree.js";
import { CrashFs, CrashPoint } from "./crash.js";

const MiB = 1 << 20;
const MTIME = new Date("2024-04-04T04:04:04Z");
let n = 0;

interface Scenario {
  what: string;
  v1: Buffer;
  v2: Buffer;
  /** v2 is uploaded with size -1 (the temporary-name path). */
  unknownSize?: boolean;
  /** The wrapped remote has no server-side move. */
  noMove?: boolean;
}

const text = (seed: string, size: number) => compressibleText(seed, size);
const SCENARIOS: Scenario[] = [
  { what: "same size (the data name is reused)", v1: text("a1", MiB + 77), v2: text("a2", MiB + 77) },
  { what: "another size", v1: text("b1", MiB + 77), v2: text("b2", MiB + 4000) },
  { what: "compressed to stored", v1: text("c1", MiB + 1), v2: seededBytes("c2", 300_003) },
  { what: "stored to stored, same name", v1: seededBytes("d1", 200_009), v2: seededBytes("d2", 400_000) },
  { what: "unknown size, same name", v1: text("e1", MiB + 5), v2: text("e2", MiB + 5), unknownSize: true },
  { what: "unknown size, another name", v1: text("f1", MiB + 9), v2: text("f2", MiB + 500), unknownSize: true },
  {
    what: "unknown size, same name, no move",
    v1: text("g1", MiB + 5),
    v2: text("g2", MiB + 5),
    unknownSize: true,
    noMove: true,
  },
];

const overlay = (base: Fs, mode: "gzip" | "zstd") =>
  new CompressFs(":compress", "", base, { remote: "x", mode, level: -1, ram_cache_limit: 20 * MiB });

/**
 * A fresh memory remote holding what `write` leaves on one, written once per template: every trial
 * starts from the same stored v1 without compressing it again.
 */
const templates = new Map<string, Map<string, Buffer>>();
async function startingWith(key: string, write: (raw: Fs) => Promise<void>): Promise<Fs> {
  let objects = templates.get(key);
  if (!objects) {
    const template = await newFs(`:memory:compress-crash-${n++}`, createContext());
    await write(template);
    objects = new Map();
    for (const e of await template.list("")) {
      if (e.kind === "file") objects.set(e.remote, Buffer.from(await toBytes(await e.open())));
    }
    templates.set(key, objects);
  }
  const raw = await newFs(`:memory:compress-crash-${n++}`, createContext());
  for (const [remote, bytes] of objects)
    await raw.put(fromBytes(bytes), { remote, size: bytes.length, modTime: MTIME });
  return raw;
}

async function content(fs: Fs): Promise<Buffer> {
  return Buffer.from(await toBytes(await (await fs.newObject("f")).open()));
}

/** Which version `got` is, for failure messages and the tally. */
function which(got: Buffer, s: Scenario): "v1" | "v2" | "other" {
  return got.equals(s.v1) ? "v1" : got.equals(s.v2) ? "v2" : "other";
}

for (const mode of ["gzip", "zstd"] as const) {
  describe(`compress (${mode}): an upload killed at every step`, () => {
    it("leaves v1 or v2 readable, before and after cleanup", async () => {
      let trials = 0;
      const seen = new Set<string>();
      for (const s of SCENARIOS) {
        for (let at = 1; ; at++) {
          const raw = await startingWith(`${mode} ${s.what}`, (r) =>
            overlay(r, mode)
              .put(fromBytes(s.v1), { remote: "f", size: s.v1.length, modTime: MTIME })
              .then(() => undefined),
          );
          const stored = s.noMove ? new CountingFs(raw, ["move", "copy"]) : raw;

          const point = new CrashPoint(at);
          const crashing = overlay(new CrashFs(stored, point), mode);
          const size = s.unknownSize ? -1 : s.v2.length;
          const completed = await crashing
            .put(fromBytes(s.v2, 300_000), { remote: "f", size, modTime: MTIME })
            .then(() => true)
            .catch((err: unknown) => {
              if (!point.crashed) throw err;
              return false;
            });
          const label = `${s.what}, killed before mutating call ${at} (done: ${point.done.join(", ")})`;

          const fresh = overlay(stored, mode);
          const listed = (await fresh.list("")).map((e) => e.remote);
          expect(listed, label).toEqual(["f"]);
          const before = which(await content(fresh), s);
          expect(before, label).not.toBe("other");
          if (completed) expect(before, label).toBe("v2");

          await overlay(stored, mode).cleanUp();
          const after = overlay(stored, mode);
          expect(which(await content(after), s), `${label}, after cleanup`).toBe(before);
          expect((await raw.list("")).length, `${label}: what cleanup left`).toBe(2);

          trials++;
          seen.add(`${s.what}: ${before}`);
          if (completed) break;
        }
      }
      expect(trials).toBeGreaterThanOrEqual(20);
      // Every scenario was caught both before and after its commit.
      for (const s of SCENARIOS) {
        expect(seen.has(`${s.what}: v1`), s.what).toBe(true);
        expect(seen.has(`${s.what}: v2`), s.what).toBe(true);
      }
    }, 60_000);

    it("a server-side copy onto the file leaves v1 or v2 readable, before and after cleanup", async () => {
      for (const s of SCENARIOS.slice(0, 2)) {
        for (let at = 1; ; at++) {
          const raw = await startingWith(`${mode} ${s.what} and g`, async (r) => {
            await overlay(r, mode).put(fromBytes(s.v1), { remote: "f", size: s.v1.length, modTime: MTIME });
            await overlay(r, mode).put(fromBytes(s.v2), { remote: "g", size: s.v2.length, modTime: MTIME });
          });
          const point = new CrashPoint(at);
          const crashing = overlay(new CrashFs(raw, point), mode);
          const source = await crashing.newObject("g");
          const completed = await (crashing.features.copy as NonNullable<Fs["features"]["copy"]>)(source, "f")
            .then(() => true)
            .catch((err: unknown) => {
              if (!point.crashed) throw err;
              return false;
            });
          const label = `copy, ${s.what}, killed before mutating call ${at} (done: ${point.done.join(", ")})`;
          const before = which(await content(overlay(raw, mode)), s);
          expect(before, label).not.toBe("other");
          if (completed) expect(before, label).toBe("v2");
          await overlay(raw, mode).cleanUp();
          expect(which(await content(overlay(raw, mode)), s), `${label}, after cleanup`).toBe(before);
          if (completed) break;
        }
      }
    });
  });
}
