/**
 * Exit codes of the transfer commands (--max-transfer, --error-on-no-transfer, a missing source)
 * and the stats they print (--progress without a terminal, --stats-one-line, the final block of -v),
 * against real rclone.
 */
import { describe, expect, it } from "vitest";
import { hasRclone, runBoth, SRC, statsLabels } from "./harness.js";

/** Four 3 MB files: bigger than rclone's read buffers, so --max-transfer 1M cuts the first one off. */
const BIG = Object.fromEntries(
  [1, 2, 3, 4].map((i) => [`f${i}.bin`, new Uint8Array(3_000_000).map((_, k) => (k * i) & 0xff)]),
);

describe.runIf(hasRclone)("exit codes", () => {
  // soft with several transfers depends on timing (which ones start before the limit), so not here.
  for (const [mode, transfers] of [
    ["hard", "1"],
    ["hard", "4"],
    ["soft", "1"],
    ["cautious", "1"],
    ["cautious", "4"],
  ] as const) {
    it(`--max-transfer 1M --cutoff-mode ${mode} --transfers ${transfers}`, async () => {
      const p = await runBoth(
        ["copy", "src", "dst", "--max-transfer", "1M", "--cutoff-mode", mode, "--transfers", transfers],
        // rclone's local backend has no server-side copy; strata's does, and a server-side copy is
        // only checked against the limit before it starts. Stream, as rclone does.
        { src: BIG, dst: {}, strataExtra: ["--disable", "copy"] },
      );
      expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
      // hard stops mid-file; cautious never starts a file that would cross the limit; soft lets
      // the transfer in flight finish and stops before the next.
      expect(p.strata.result.code).toBe(8);
      expect(p.strata.tree()).toEqual(p.rclone.tree());
    });
  }

  it("--max-transfer cuts a local copy off mid-file, as rclone's stream (exit 8)", async () => {
    const p = await runBoth(["copy", "src", "dst", "--max-transfer", "1M", "--transfers", "1"], {
      src: BIG,
      dst: undefined,
    });
    expect(p.strata.result.code).toBe(8);
    expect(p.rclone.result.code).toBe(8);
    // Under a limit strata streams a local copy instead of letting the kernel copy it whole.
    expect(p.strata.tree()).toEqual(p.rclone.tree());
  });

  it("--error-on-no-transfer exits 9 when nothing was transferred, 0 without it", async () => {
    const same = { dst: SRC };
    const flagged = await runBoth(["sync", "src", "dst", "--error-on-no-transfer"], same);
    expect(flagged.rclone.result.code).toBe(9);
    expect(flagged.strata.result.code).toBe(9);
    const plain = await runBoth(["sync", "src", "dst"], same);
    expect(plain.rclone.result.code).toBe(0);
    expect(plain.strata.result.code).toBe(0);
    const work = await runBoth(["copy", "src", "dst", "--error-on-no-transfer"]);
    expect(work.rclone.result.code).toBe(0);
    expect(work.strata.result.code).toBe(0);
  });

  for (const cmd of ["sync", "copy", "move"]) {
    it(`${cmd} from a missing source directory exits as rclone (3) and changes nothing`, async () => {
      const p = await runBoth([cmd, "missing", "dst", "--retries", "1"]);
      expect(p.rclone.result.code).toBe(3);
      expect(p.strata.result.code).toBe(p.rclone.result.code);
      expect(p.strata.tree()).toEqual(p.strata.before.dst);
      expect(p.rclone.tree()).toEqual(p.rclone.before.dst);
    });
  }

  it("copyto from a missing file exits as rclone", async () => {
    const p = await runBoth(["copyto", "src/nope.txt", "dst/nope.txt", "--retries", "1"]);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
  });
});

describe.runIf(hasRclone)("stats", () => {
  it("--progress without a terminal prints the stats block on stdout", async () => {
    const p = await runBoth(["sync", "src", "dst", "--progress"]);
    for (const side of [p.rclone, p.strata]) {
      expect(side.result.stdout).toContain("Transferred:");
      expect(side.result.stdout).toContain("Elapsed time:");
    }
    expect(statsLabels(p.strata.result.stdout)).toEqual(statsLabels(p.rclone.result.stdout));
    expect(p.strata.result.stderr).toBe("");
  });

  it("--progress --stats-one-line prints one line, as rclone", async () => {
    const p = await runBoth(["sync", "src", "dst", "--progress", "--stats-one-line"]);
    const shape = (out: string) =>
      out
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.replace(/[\d.]+ ?[KMG]?i?B(\/s)?/g, "N").replace(/\d+%/, "P"));
    expect(shape(p.strata.result.stdout)).toEqual(["N / N, P, N, ETA -"]);
    expect(shape(p.strata.result.stdout)).toEqual(shape(p.rclone.result.stdout));
  });

  it("-v ends with rclone's stats block: same labels, same counts, same layout", async () => {
    const p = await runBoth(["sync", "src", "dst", "-v"]);
    const labels = statsLabels(p.strata.result.stderr);
    expect(labels).toEqual(["Transferred", "Checks", "Deleted", "Transferred", "Elapsed time"]);
    expect(labels).toEqual(statsLabels(p.rclone.result.stderr));
    // Everything but the speed and the elapsed time is the same, column for column.
    const block = (text: string) => {
      const lines = text.split("\n");
      const start = lines.findIndex((l) => l.startsWith("Transferred:"));
      return lines
        .slice(start, start + labels.length)
        .map((l) => l.replace(/, [\d.]+ [KMG]?i?B\/s,/, ", S,").replace(/\d+\.\ds$/, "Ts"));
    };
    expect(block(p.strata.result.stderr)).toEqual(block(p.rclone.result.stderr));
  });

  it("--dry-run reports the final stats at NOTICE, without -v", async () => {
    const p = await runBoth(["sync", "src", "dst", "--dry-run"]);
    expect(statsLabels(p.strata.result.stderr)).toEqual(statsLabels(p.rclone.result.stderr));
    expect(statsLabels(p.strata.result.stderr)).toContain("Elapsed time");
  });
});
