/**
 * The sync engine over every stack of the conformance list: a seeded tree is copied, mutated,
 * checked (exact expected differences), synced and checked clean, in both directions.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Stats } from "../../src/fs/accounting/stats.js";
import { toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { modTimeOf } from "../../src/fs/modtime.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { commonHash } from "../../src/fs/operations/copy.js";
import { type CheckVerdict, check } from "../../src/fs/sync/check.js";
import { runSync, type SyncOptions } from "../../src/fs/sync/sync.js";
import { type Fs, MODTIME_NOT_SUPPORTED } from "../../src/fs/types.js";
import { removeStackTemps, stacks, tempDir } from "../conformance/stacks.js";
import { stopSharedServers } from "../servers/shared.js";
import { selectedRows, serverlessTestsRun } from "../stack-rows.js";
import { bytes, fingerprint, MODTIME, mutate, putFile, rng, seedTree } from "./tree.js";

afterAll(async () => {
  removeStackTemps();
  await stopSharedServers();
});

const local = () => newFs(tempDir("strata-sync-"), createContext());
const opts = (extra: Partial<SyncOptions> = {}): SyncOptions => ({ stats: new Stats(), ...extra });

/** Runs check and returns the sorted paths per verdict (check throws when anything differs). */
async function verdicts(src: Fs, dst: Fs): Promise<Record<CheckVerdict, string[]>> {
  const out: Record<CheckVerdict, string[]> = { match: [], differ: [], missingOnSrc: [], missingOnDst: [], error: [] };
  await check(src, dst, { stats: new Stats(), report: (v, remote) => out[v].push(remote) }).catch((err) => {
    if (err.code !== "Differences") throw err;
  });
  for (const list of Object.values(out)) list.sort();
  return out;
}

async function expectSame(src: Fs, dst: Fs): Promise<void> {
  const v = await verdicts(src, dst);
  expect({ ...v, match: [] }).toEqual({ match: [], differ: [], missingOnSrc: [], missingOnDst: [], error: [] });
  expect((await fingerprint(dst)).files).toEqual((await fingerprint(src)).files);
}

/** Whether both sides keep modtimes (rclone compares sizes only when either does not). */
const modTimesKept = (a: Fs, b: Fs) => a.precision !== MODTIME_NOT_SUPPORTED && b.precision !== MODTIME_NOT_SUPPORTED;

/**
 * How many touched files a sync sends again. Without a common hash, a changed modtime cannot be told
 * from changed content, so rclone re-sends; where modtimes are not kept, equal sizes make files equal.
 */
const resentWhenTouched = (src: Fs, dst: Fs, touched: string[]) =>
  commonHash(src, dst) || !modTimesKept(src, dst) ? 0 : touched.length;

for (const row of selectedRows(stacks)) {
  for (const direction of ["local → stack", "stack → local"] as const) {
    describe(`sync ${direction} (${row.label})`, () => {
      const pair = async () => {
        const s = direction === "local → stack" ? await local() : await row.make();
        const d = direction === "local → stack" ? await row.make() : await local();
        return [s, d] as const;
      };

      it("copies, finds exactly the mutations, syncs clean", async () => {
        const [src, dst] = await pair();
        const paths = await seedTree(src, 11);
        const first = opts();
        await runSync("copy", src, dst, first);
        expect(first.stats.errors).toBe(0);
        expect(first.stats.transfers).toBe(paths.length);
        await expectSame(src, dst);

        const m = await mutate(src, paths, 12);
        const v = await verdicts(src, dst);
        expect(v.differ).toEqual([...m.modified].sort());
        expect(v.missingOnDst).toEqual([...m.added, ...m.renamedTo].sort());
        expect(v.missingOnSrc).toEqual([...m.deleted, ...m.renamedFrom].sort());
        expect(v.match).toEqual(expect.arrayContaining(m.touched));
        expect(v.error).toEqual([]);

        const second = opts();
        await runSync("sync", src, dst, second);
        expect(second.stats.errors).toBe(0);
        expect(second.stats.transfers).toBe(
          m.modified.length + m.added.length + m.renamedTo.length + resentWhenTouched(src, dst, m.touched),
        );
        expect(second.stats.deletes).toBe(m.deleted.length + m.renamedFrom.length);
        await expectSame(src, dst);
        // Where both sides keep modtimes, the touched file has the source's (corrected in place, or re-sent).
        if (modTimesKept(src, dst)) {
          const touched = m.touched[0] as string;
          expect((await modTimeOf(await dst.newObject(touched))).getTime()).toBe(
            (await modTimeOf(await src.newObject(touched))).getTime(),
          );
        }

        const third = opts();
        await runSync("sync", src, dst, third);
        expect(third.stats.transfers).toBe(0);
        expect(third.stats.deletes).toBe(0);
      });

      it("--dry-run changes nothing", async () => {
        const [src, dst] = await pair();
        const paths = await seedTree(src, 21, { bigFile: 70_000 });
        await runSync("copy", src, dst, opts());
        await mutate(src, paths, 22);
        await putFile(dst, "only-in-dst.txt", bytes(rng(1), 10));
        const before = await fingerprint(dst);
        const o = opts({ dryRun: true });
        await runSync("sync", src, dst, o);
        expect(o.stats.transfers).toBeGreaterThan(0);
        expect(await fingerprint(dst)).toEqual(before);
      });

      it("a read error on one file deletes nothing on the destination", async () => {
        const [base, dst] = await pair();
        const paths = await seedTree(base, 31, { bigFile: 70_000 });
        await runSync("copy", base, dst, opts());
        const m = await mutate(base, paths, 32);
        const victim = m.added[0] as string;
        const src = new FaultFs(base, { rules: [{ ops: ["open"], path: victim, fail: "permanent" }] });
        const o = opts();
        await runSync("sync", src, dst, o);
        expect(o.stats.errors).toBeGreaterThan(0);
        for (const gone of [...m.deleted, ...m.renamedFrom]) await expect(dst.newObject(gone)).resolves.toBeDefined();
        await expect(dst.newObject(victim)).rejects.toMatchObject({ code: "ObjectNotFound" });
      });

      it("--backup-dir keeps every overwritten and deleted file", async () => {
        const [src, dst] = await pair();
        const paths = await seedTree(src, 41, { bigFile: 70_000 });
        await runSync("copy", src, dst, opts());
        const before = await fingerprint(dst);
        const m = await mutate(src, paths, 42);
        const backupDir = direction === "local → stack" ? await row.make() : await local();
        const o = opts({ backupDir });
        await runSync("sync", src, dst, o);
        expect(o.stats.errors).toBe(0);
        await expectSame(src, dst);
        const backup = await fingerprint(backupDir);
        // A touched file that is re-sent has its old copy backed up too.
        const resent = resentWhenTouched(src, dst, m.touched) > 0 ? m.touched : [];
        const replaced = [...m.modified, ...m.deleted, ...m.renamedFrom, ...resent];
        for (const p of replaced) expect(backup.files.get(p)).toBe(before.files.get(p));
        expect([...backup.files.keys()].sort()).toEqual(replaced.sort());
      });
    });
  }

  describe(`sync options (${row.label})`, () => {
    it("move removes sources and, with deleteEmptySrcDirs, their directories", async () => {
      const src = await row.make();
      const dst = await local();
      await seedTree(src, 51, { bigFile: 10_000 });
      const expected = await fingerprint(src);
      const o = opts({ deleteEmptySrcDirs: true });
      await runSync("move", src, dst, o);
      expect(o.stats.errors).toBe(0);
      expect((await fingerprint(dst)).files).toEqual(expected.files);
      const left = await fingerprint(src);
      expect(left.files.size).toBe(0);
      expect(left.dirs.size).toBe(0);
    });

    it("--ignore-existing, --update, --size-only and --checksum decide as rclone", async () => {
      const src = await row.make();
      const dst = await local();
      const data = bytes(rng(61), 500);
      await putFile(src, "same-size.bin", data, MODTIME);
      await putFile(dst, "same-size.bin", bytes(rng(62), 500), new Date(MODTIME.getTime() + 5000));
      const run = async (extra: Partial<SyncOptions>) => {
        const o = opts(extra);
        await runSync("copy", src, dst, o);
        return o.stats.transfers;
      };
      expect(await run({ ignoreExisting: true })).toBe(0);
      expect(await run({ update: true })).toBe(0); // destination is newer
      expect(await run({ sizeOnly: true })).toBe(0);
      // --checksum falls back to sizes where there is no common hash, as rclone does.
      expect(await run({ checksum: true })).toBe(commonHash(src, dst) ? 1 : 0);
      if (!commonHash(src, dst)) return;
      expect(Buffer.from(await toBytes(await (await dst.newObject("same-size.bin")).open()))).toEqual(
        Buffer.from(data),
      );
    });

    it("--max-delete stops deleting and counts an error", async () => {
      const src = await row.make();
      await src.mkdir("");
      const dst = await local();
      for (let k = 0; k < 5; k++) await putFile(dst, `extra-${k}.txt`, bytes(rng(k), 10));
      const o = opts({ maxDelete: 2 });
      await runSync("sync", src, dst, o);
      expect(o.stats.deletes).toBe(2);
      expect(o.stats.errors).toBeGreaterThan(0);
    });

    it("--delete-before and --delete-during leave the same result", async () => {
      for (const deleteMode of ["before", "during"] as const) {
        const src = await row.make();
        const dst = await local();
        await seedTree(src, 71, { bigFile: 10_000 });
        await putFile(dst, "stale/old.txt", bytes(rng(2), 10));
        await runSync("sync", src, dst, opts({ deleteMode }));
        await expectSame(src, dst);
        await expect(dst.list("stale")).rejects.toMatchObject({ code: "DirNotFound" });
      }
    });
  });
}

describe.runIf(serverlessTestsRun)("server-side copy", () => {
  it("copies within one remote without reading or writing data through the client", async () => {
    const base = new CountingFs(await newFs(`:memory:ss-${Date.now()}`, createContext()));
    const root = await newFs(`:memory:ss-dst-${Date.now()}`, createContext());
    await seedTree(base, 81, { bigFile: 100_000 });
    base.reset();
    const o = opts();
    await runSync("copy", base, root, o);
    expect(o.stats.serverSideCopies).toBe(o.stats.transfers);
    expect(base.bytesRead).toBe(0);
    await expectSame(base, root);
  });
});
