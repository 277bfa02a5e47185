/**
 * Reading what rclone 1.60 wrote: each chunker case's stored tree, opened through strata's chunker
 * with the case's options, must list, read, hash and date every file as rclone shows it.
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { isHashType } from "../../src/fs/hashes.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { CHUNKER_CASES, connectionFor, loadCase, removeTemps, restoreStored, walk } from "./fixtures.js";

afterAll(removeTemps);

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

for (const id of CHUNKER_CASES) {
  describe(`reads ${id}`, () => {
    const c = loadCase(id);
    let fs: Fs;
    let listing: Awaited<ReturnType<typeof walk>>;

    it("opens the stack from the case's connection string", async () => {
      fs = await newFs(connectionFor(c, restoreStored(c)), createContext());
      listing = await walk(fs);
    });

    it("lists exactly the case's files (paths and sizes) and directories", () => {
      const got = [...listing.files.values()].map((o) => [o.remote, o.size]).sort();
      expect(got).toEqual(c.files.map((f) => [f.path, f.size]).sort());
      expect([...listing.dirs].sort()).toEqual([...c.dirs].sort());
    });

    it("reads every file with the right sha256, through listing and newObject handles", async () => {
      for (const f of c.files) {
        const listed = listing.files.get(f.path) as FsObject;
        expect(sha256(await toBytes(await listed.open())), f.path).toBe(f.sha256);
        const again = await fs.newObject(f.path);
        expect(again.size, f.path).toBe(f.size);
        expect(sha256(await toBytes(await again.open())), f.path).toBe(f.sha256);
      }
    });

    it("reads ranges that start and end inside chunks", async () => {
      for (const f of c.files.filter((x) => x.size > 2500)) {
        const whole = await toBytes(await (await fs.newObject(f.path)).open());
        for (const [offset, length] of [
          [999, 2],
          [1500, 1000],
          [f.size - 7, 100],
        ] as const) {
          const part = await toBytes(await (await fs.newObject(f.path)).open({ offset, length }));
          expect(Buffer.from(part), `${f.path} ${offset}+${length}`).toEqual(
            Buffer.from(whole.subarray(offset, offset + length)),
          );
        }
      }
    });

    it("offers the hashes rclone offers, with its values", async () => {
      const views = c.rclone_view.filter((v) => !v.is_dir);
      const offered = new Set(views.flatMap((v) => Object.keys(v.hashes ?? {})));
      expect([...fs.hashes].sort()).toEqual([...offered].sort());
      for (const v of views) {
        const o = listing.files.get(v.path) as FsObject;
        for (const [type, want] of Object.entries(v.hashes ?? {})) {
          if (!isHashType(type)) throw new Error(`unexpected hash type ${type}`);
          expect(await o.hash(type), `${v.path} ${type}`).toBe(want);
        }
      }
    });

    it("reports rclone's modtimes", () => {
      for (const v of c.rclone_view.filter((x) => !x.is_dir)) {
        const o = listing.files.get(v.path) as FsObject;
        expect(o.modTime.getTime(), v.path).toBe(new Date(v.modtime as string).getTime());
      }
    });
  });
}
