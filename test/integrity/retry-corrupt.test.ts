/**
 * Data that fails verification reads the same however often it is read again: a `Corrupt` error is
 * retried neither per operation (--low-level-retries) nor by repeating the run (--retries), while
 * a temporary error next to it still repeats the run, as rclone does. Attempts are counted by the
 * fault layer that corrupts the reads, not timed.
 */
import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { Stats } from "../../src/fs/accounting/stats.js";
import { fromBytes } from "../../src/fs/body.js";
import { ExitCode, exitCodeFor, FsError } from "../../src/fs/errors.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { formatLogLine, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { runWithRetries } from "../../src/fs/sync/run.js";
import { runSync } from "../../src/fs/sync/sync.js";
import type { Fs } from "../../src/fs/types.js";

const MTIME = new Date("2021-03-04T05:06:07Z");
const logs: string[] = [];
beforeEach(() => {
  setLogSink((entry) => logs.push(formatLogLine(entry)));
});

async function memoryWith(files: Record<string, Uint8Array>): Promise<Fs> {
  const fs = await newFs(`:memory:retry-${randomBytes(6).toString("hex")}`, createContext());
  for (const [remote, data] of Object.entries(files)) {
    await fs.put(fromBytes(data), { remote, size: data.length, modTime: MTIME, hash: async () => undefined });
  }
  return fs;
}

/** Copies `src` to a fresh memory remote as `strata copy --retries 3 --low-level-retries N` does. */
async function copyWithRetries(src: Fs, lowLevelRetries: number): Promise<{ stats: Stats; error: unknown }> {
  const dst = await memoryWith({});
  const stats = new Stats();
  const error = await runWithRetries(stats, { retries: 3 }, () =>
    runSync("copy", src, dst, { stats, lowLevelRetries }),
  ).catch((err: unknown) => err);
  return { stats, error };
}

describe("a Corrupt error is not retried", () => {
  it("reads a file whose bytes never match its stored hash once, not 3 × 10 times", async () => {
    // Every read of bad.bin comes back with one byte flipped: the copy's MD5 check fails with Corrupt.
    const src = new FaultFs(await memoryWith({ "bad.bin": randomBytes(5000) }), {
      rules: [{ ops: ["open"], path: "bad.bin", flipAt: 1234 }],
    });
    logs.length = 0;
    const { stats, error } = await copyWithRetries(src, 10);
    expect(src.log).toEqual(["open bad.bin"]);
    expect(stats.errors).toBe(1);
    expect(error).toMatchObject({ code: "Corrupt" });
    expect(String((error as Error).message)).toContain("corrupted on transfer");
    // Exit code as before: an uncategorised error (2); rclone 1.60 exits 1 for its corrupted copies.
    expect(exitCodeFor(error)).toBe(ExitCode.other);
    expect(logs.filter((l) => l.includes("Attempt"))).toEqual([]);
    expect(logs.some((l) => l.includes("Can't retry any of the errors - not attempting retries"))).toBe(true);
    expect(stats.summary()).toContain("(no need to retry)");
  });

  it("still repeats the run for a temporary error next to it, reading the corrupt file each time", async () => {
    const src = new FaultFs(await memoryWith({ "bad.bin": randomBytes(3000), "flaky.bin": randomBytes(3000) }), {
      rules: [
        { ops: ["open"], path: "bad.bin", flipAt: 10 },
        // Fails every low-level attempt of the first run, then lets the second run through.
        { ops: ["open"], path: "flaky.bin", fail: "transient", times: 3 },
      ],
    });
    const { stats, error } = await copyWithRetries(src, 3);
    const opens = (name: string) => src.log.filter((l) => l === `open ${name}`).length;
    expect(opens("flaky.bin")).toBe(3);
    // One read per run: runs 2 and 3 still had the corrupt file's error, which alone is not retried after run 2.
    expect(opens("bad.bin")).toBe(2);
    expect(stats.errors).toBe(1);
    expect(error).toMatchObject({ code: "Corrupt" });
  });

  it("keeps repeating the run for errors another run could change, and not for fatal or no-retry ones", async () => {
    const runs = async (errs: FsError[]) => {
      const stats = new Stats();
      let attempts = 0;
      await runWithRetries(stats, { retries: 3 }, async () => {
        attempts++;
        for (const err of errs) stats.error(err, "f", "Failed to copy");
      }).catch(() => undefined);
      return attempts;
    };
    expect(await runs([new FsError("Corrupt", "x")])).toBe(1);
    expect(await runs([new FsError("Corrupt", "x"), new FsError("Transient", "x")])).toBe(3);
    expect(await runs([new FsError("Transient", "x"), new FsError("Corrupt", "x")])).toBe(3);
    // A thrower that knows the bytes were damaged in flight can ask for another run.
    expect(await runs([new FsError("Corrupt", "x", { retry: "temporary" })])).toBe(3);
    expect(await runs([new FsError("ConfigInvalid", "x")])).toBe(1);
    expect(await runs([new FsError("Other", "x")])).toBe(3);
    expect(await runs([new FsError("Other", "x", { retry: "noRetry" })])).toBe(1);
    expect(await runs([new FsError("Other", "x"), new FsError("AuthFailed", "x", { retry: "fatal" })])).toBe(1);
  });
});
