/**
 * --track-renames, --compare-dest, --copy-dest, --immutable, --no-traverse, --max-transfer and
 * --bwlimit against real rclone 1.60 on local trees: same trees afterwards, same exit codes, same
 * log lines naming what was done.
 */
import { describe, expect, it } from "vitest";
import type { Spec } from "../cli-sync/harness.js";
import { grep, hasRclone, runPair } from "./pair.js";

const SRC: Spec = {
  "same.txt": "same",
  "new.txt": "new",
  "chg.txt": "changed",
  "d/renamed.txt": "the content that moved",
  "in-cmp.txt": "also in cmp",
};
const DST: Spec = {
  "same.txt": "same",
  "chg.txt": "old",
  "orig.txt": "the content that moved",
  "gone.txt": "gone",
};
const CMP: Spec = { "in-cmp.txt": "also in cmp", "chg.txt": "changed" };
const TREES = { src: SRC, dst: DST, cmp: CMP };

/** What was done to which file, as both tools word it. */
const ACTIONS = /(Copied|Deleted|Moved|Renamed from|immutable|Ignoring|Can't use|can't use)/;

describe.runIf(hasRclone)("transfer flags against rclone", { concurrent: true }, () => {
  for (const strategy of ["hash", "modtime", "leaf", "modtime,leaf"]) {
    it(`sync --track-renames --track-renames-strategy ${strategy}`, async () => {
      const p = await runPair(
        ["sync", "src", "dst", "-v", "--track-renames-strategy", strategy, "--track-renames"],
        TREES,
      );
      expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
      expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
      expect(grep(p.strata, ACTIONS)).toEqual(grep(p.rclone, ACTIONS));
      if (!strategy.includes("leaf"))
        expect(grep(p.strata, /Renamed from/)).toEqual(['INFO  : d/renamed.txt: Renamed from "orig.txt"']);
    });
  }

  it("--track-renames is ignored with copy, with rclone's error line", async () => {
    const p = await runPair(["copy", "src", "dst", "-v", "--track-renames"], TREES);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    expect(grep(p.strata, ACTIONS)).toEqual(grep(p.rclone, ACTIONS));
  });

  it("sync --compare-dest skips what the compare directory holds", async () => {
    const p = await runPair(["sync", "src", "dst", "-v", "--compare-dest", "cmp"], TREES);
    expect(p.strata.result.code).toBe(0);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    expect(grep(p.strata, ACTIONS)).toEqual(grep(p.rclone, ACTIONS));
    expect(grep(p.strata, /Checks:|Transferred: {10}|Deleted: /)).toEqual(
      grep(p.rclone, /Checks:|Transferred: {10}|Deleted: /),
    );
  });

  it("move --compare-dest removes sources settled by the destination, keeps those settled by the compare directory", async () => {
    const p = await runPair(["move", "src", "dst", "-v", "--compare-dest", "cmp"], TREES);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    expect(p.strata.tree("src")).toEqual(p.rclone.tree("src"));
    expect(grep(p.strata, ACTIONS)).toEqual(grep(p.rclone, ACTIONS));
  });

  it("--compare-dest with --copy-dest is a usage error (exit 1)", async () => {
    const p = await runPair(["copy", "src", "dst", "--compare-dest", "cmp", "--copy-dest", "cmp"], TREES);
    expect(p.rclone.result.code).toBe(1);
    expect(p.strata.result.code).toBe(1);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
  });

  it("--copy-dest onto a remote without server-side copy is fatal (exit 7), as rclone's local disk is", async () => {
    // strata's local backend copies server-side (by the kernel); switched off it is rclone's local.
    const p = await runPair(["copy", "src", "dst", "--copy-dest", "cmp"], TREES, ["--disable", "copy"]);
    expect(p.rclone.result.code).toBe(7);
    expect(p.strata.result.code).toBe(7);
    expect(p.strata.result.stderr).toContain(
      "can't use --copy-dest on a remote which doesn't support server side copy",
    );
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
  });

  it("--copy-dest on strata's local disk copies the matching files from there", async () => {
    const p = await runPair(["copy", "src", "dst", "-v", "--copy-dest", "cmp"], TREES);
    expect(p.strata.result.code, p.strata.result.stderr).toBe(0);
    // What rclone's sync leaves without --copy-dest: the same files, same modtimes.
    const plain = await runPair(["copy", "src", "dst"], TREES);
    expect(p.strata.tree("dst")).toEqual(plain.rclone.tree("dst"));
    expect(grep(p.strata, /Copied/)).toEqual([
      "INFO  : chg.txt: Copied (replaced existing)",
      "INFO  : d/renamed.txt: Copied (new)",
      "INFO  : in-cmp.txt: Copied (new)",
      "INFO  : new.txt: Copied (new)",
    ]);
  });

  for (const cmd of ["sync", "copy"]) {
    it(`${cmd} --immutable refuses to replace a changed file (exit 6), sends the new ones`, async () => {
      const p = await runPair([cmd, "src", "dst", "-v", "--immutable"], TREES);
      expect(p.rclone.result.code).toBe(6);
      expect(p.strata.result.code).toBe(6);
      expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
      expect(grep(p.strata, /ERROR/)).toEqual(grep(p.rclone, /ERROR/));
      expect(grep(p.strata, /Errors:/)).toEqual(grep(p.rclone, /Errors:/));
    });
  }

  it("copy --no-traverse decides as a listing copy; sync ignores it with rclone's error", async () => {
    for (const cmd of ["copy", "sync"]) {
      const p = await runPair([cmd, "src", "dst", "-v", "--no-traverse"], TREES);
      expect(p.strata.result.code).toBe(p.rclone.result.code);
      expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
      expect(grep(p.strata, ACTIONS)).toEqual(grep(p.rclone, ACTIONS));
    }
  });

  it("move --no-traverse", async () => {
    const p = await runPair(["move", "src", "dst", "-v", "--no-traverse"], TREES);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    expect(p.strata.tree("src")).toEqual(p.rclone.tree("src"));
  });
});

describe.runIf(hasRclone)("--max-transfer and --bwlimit on local copies, against rclone", () => {
  const random = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 7) & 0xff);
  const FOUR: Spec = Object.fromEntries([1, 2, 3, 4].map((i) => [`f${i}`, random(300 * 1024, i)]));

  it("--max-transfer stops a local copy mid-file as rclone's stream does (exit 8)", async () => {
    const p = await runPair(["copy", "src", "dst", "--max-transfer", "500K", "--transfers", "1"], { src: FOUR });
    expect(p.rclone.result.code).toBe(8);
    expect(p.strata.result.code).toBe(8);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
  });

  it("--bwlimit throttles a local copy from the first byte (an empty bucket), as rclone does", async () => {
    const big: Spec = { big: random(2 * 1024 * 1024, 9) };
    const p = await runPair(["copy", "src", "dst", "--bwlimit", "1M", "-v"], { src: big });
    expect(p.strata.result.code).toBe(0);
    expect(grep(p.strata, /bandwidth limiter/)).toEqual(["INFO  : Starting bandwidth limiter at 1Mi Byte/s"]);
    expect(grep(p.rclone, /bandwidth limiter/)).toEqual(grep(p.strata, /bandwidth limiter/));
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    // 2 MiB at 1 MiB/s: about two seconds for both (bounds generous for a loaded machine).
    expect(p.rclone.ms).toBeGreaterThan(1500);
    expect(p.strata.ms).toBeGreaterThan(1500);
  });
});
