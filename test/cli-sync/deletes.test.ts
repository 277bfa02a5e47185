/**
 * sync's deletions against real rclone: the three delete modes, --max-delete (both tools stop at N,
 * fatal: exit 7, no retry), --backup-dir on the same remote, --suffix (with and without
 * --suffix-keep-extension), --delete-excluded; and --dry-run, which changes nothing and names the
 * same files in its notices.
 */
import { describe, expect, it } from "vitest";
import { actions, hasRclone, logLines, runBoth, type Side } from "./harness.js";

const deletedCount = (side: Side) => actions(side, /: Deleted$/).length;

describe.runIf(hasRclone)("delete modes", () => {
  for (const mode of ["--delete-before", "--delete-during", "--delete-after"]) {
    it(`${mode} leaves rclone's tree`, async () => {
      const p = await runBoth(["sync", "src", "dst", "-v", mode]);
      expect(p.strata.result.code).toBe(p.rclone.result.code);
      expect(p.strata.tree()).toEqual(p.rclone.tree());
      expect(actions(p.strata)).toEqual(actions(p.rclone));
    });
  }

  it("two delete modes at once are a usage error in both", async () => {
    const p = await runBoth(["sync", "src", "dst", "--delete-before", "--delete-after"]);
    expect(p.rclone.result.code).not.toBe(0);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree()).toEqual(p.rclone.tree());
  });
});

describe.runIf(hasRclone)("--max-delete", () => {
  // DST has three files sync would delete: extra.txt, extra/keep.log, extra/sub/x.txt.
  for (const [n, mode] of [
    ["0", "--delete-after"],
    ["1", "--delete-after"],
    ["2", "--delete-after"],
    ["3", "--delete-after"],
    ["1", "--delete-before"],
  ] as const) {
    it(`--max-delete ${n} ${mode}`, async () => {
      const p = await runBoth(["sync", "src", "dst", "-v", "--max-delete", n, mode]);
      expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
      expect(p.strata.result.code).toBe(Number(n) < 3 ? 7 : 0);
      expect(deletedCount(p.strata)).toBe(Math.min(Number(n), 3));
      expect(deletedCount(p.rclone)).toBe(deletedCount(p.strata));
      // Which files go first is up to the order of deletion; how many, and every transfer, is not.
      const settled = (tree: string[]) => tree.filter((l) => !l.startsWith("extra"));
      expect(settled(p.strata.tree())).toEqual(settled(p.rclone.tree()));
      expect(p.strata.tree().length).toBe(p.rclone.tree().length);
      // A fatal error is not retried.
      expect(logLines(p.strata).filter((l) => l.includes("Attempt 2/"))).toEqual([]);
    });
  }
});

describe.runIf(hasRclone)("backups", () => {
  it("--backup-dir on the same remote receives the replaced and deleted files", async () => {
    const p = await runBoth(["sync", "src", "dst", "-v", "--backup-dir", "bk"]);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree()).toEqual(p.rclone.tree());
    expect(p.strata.tree("bk")).toEqual(p.rclone.tree("bk"));
    expect(p.strata.tree("bk")).toContain("mod.txt 3 149603e6 1614834367");
    expect(actions(p.strata)).toEqual(actions(p.rclone));
  });

  it("--backup-dir with copy keeps only the replaced files", async () => {
    const p = await runBoth(["copy", "src", "dst", "--backup-dir", "bk/inner"]);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree()).toEqual(p.rclone.tree());
    expect(p.strata.tree("bk")).toEqual(p.rclone.tree("bk"));
  });

  for (const flags of [
    ["--suffix", ".bak"],
    ["--suffix", ".bak", "--suffix-keep-extension"],
    ["--backup-dir", "bk", "--suffix=-old"],
    ["--backup-dir", "bk", "--suffix=-old", "--suffix-keep-extension"],
  ]) {
    it(flags.join(" "), async () => {
      const p = await runBoth(["sync", "src", "dst", "-v", ...flags]);
      expect(p.strata.result.code).toBe(p.rclone.result.code);
      expect(p.strata.tree()).toEqual(p.rclone.tree());
      expect(p.strata.tree("bk")).toEqual(p.rclone.tree("bk"));
      expect(actions(p.strata)).toEqual(actions(p.rclone));
    });
  }
});

describe.runIf(hasRclone)("--dry-run", () => {
  for (const args of [
    ["sync", "src", "dst"],
    ["copy", "src", "dst"],
    ["sync", "src", "dst", "--backup-dir", "bk"],
    ["sync", "src", "dst", "--delete-before", "--update"],
    ["copyto", "src/mod.txt", "dst/mod.txt"],
  ]) {
    it(args.join(" "), async () => {
      const p = await runBoth([...args, "--dry-run"]);
      expect(p.strata.result.code).toBe(0);
      expect(p.rclone.result.code).toBe(0);
      for (const t of ["src", "dst", "bk"] as const) expect(p.strata.tree(t), t).toEqual(p.strata.before[t]);
      const notices = (s: Side) => actions(s, /Skipped .* as --dry-run is set/);
      expect(notices(p.strata).length).toBeGreaterThan(0);
      expect(notices(p.strata)).toEqual(notices(p.rclone));
    });
  }
});

describe.runIf(hasRclone)("--delete-excluded", () => {
  it("deletes destination files the filters exclude, as rclone", async () => {
    const p = await runBoth(["sync", "src", "dst", "-v", "--exclude", "*.log", "--delete-excluded"]);
    expect(p.strata.result.code).toBe(p.rclone.result.code);
    expect(p.strata.tree()).toEqual(p.rclone.tree());
    expect(p.strata.tree().some((l) => l.endsWith(".log"))).toBe(false);
    expect(actions(p.strata)).toEqual(actions(p.rclone));
  });
});
