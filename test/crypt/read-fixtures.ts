/**
 * Reading what rclone 1.60 wrote through crypt: every crypt case's stored tree, opened with the case's
 * options, must list, read and date every file as rclone shows it. Run once per secretbox
 * implementation (read-fixtures*.test.ts).
 */
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { secretBox } from "../../src/overlays/crypt/secretbox.js";
import { connectionFor, removeTemps, restoreStored, walk } from "../chunker/fixtures.js";
import { CRYPT_CASES, loadCryptCase } from "./cases.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export function readFixtures(impl: "native" | "js"): void {
  afterAll(removeTemps);

  it(`uses the ${impl} secretbox`, async () => {
    expect((await secretBox()).impl).toBe(impl);
  });

  for (const id of CRYPT_CASES) {
    describe(`reads ${id} (${impl})`, () => {
      const c = loadCryptCase(id);
      let fs: Fs;
      let listing: Awaited<ReturnType<typeof walk>>;

      it("opens the stack and lists exactly the case's files, sizes and directories", async () => {
        fs = await newFs(connectionFor(c, restoreStored(c)), createContext());
        listing = await walk(fs);
        const got = [...listing.files.values()].map((o) => [o.remote, o.size]).sort();
        expect(got).toEqual(c.files.map((f) => [f.path, f.size]).sort());
        expect([...listing.dirs].sort()).toEqual([...c.dirs].sort());
        expect([...fs.hashes]).toEqual([]);
      });

      it("reads every file with the right sha256 and rclone's modtime", async () => {
        for (const f of c.files) {
          const listed = listing.files.get(f.path) as FsObject;
          expect(sha256(await toBytes(await listed.open())), f.path).toBe(f.sha256);
          const again = await fs.newObject(f.path);
          expect(sha256(await toBytes(await again.open())), f.path).toBe(f.sha256);
        }
        for (const v of c.rclone_view.filter((x) => !x.is_dir)) {
          expect(listing.files.get(v.path)?.modTime.getTime(), v.path).toBe(new Date(v.modtime as string).getTime());
        }
      });

      it("reads ranges across 64 KiB block boundaries", async () => {
        for (const f of c.files.filter((x) => x.size > 70_000)) {
          const whole = await toBytes(await (await fs.newObject(f.path)).open());
          for (const [offset, length] of [
            [65535, 2],
            [65536, 1],
            [1000, 70_000],
            [f.size - 7, 100],
            [f.size, 10],
          ] as const) {
            const part = await toBytes(await (await fs.newObject(f.path)).open({ offset, length }));
            expect(Buffer.from(part), `${f.path} ${offset}+${length}`).toEqual(
              Buffer.from(whole.subarray(offset, offset + length)),
            );
          }
        }
      });
    });
  }
}
