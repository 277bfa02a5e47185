/**
 * checksum against real rclone 1.60: a SUM file with matching, differing, missing and unlisted
 * files and malformed lines gives the same report lines, log lines and exit codes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Spec } from "../cli-sync/harness.js";
import { grep, hasRclone, runPair } from "./pair.js";

const DIR: Spec = {
  "match.txt": "match\n",
  "differ.txt": "differ\n",
  "nosum.txt": "no sum\n",
  "sub/deep.txt": "deep\n",
};
const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** A SUM file: right sums, a wrong one, a file that does not exist, malformed lines. */
function sums(): Spec {
  return {
    "sums.md5": [
      `${md5("match\n")}  match.txt`,
      "00000000000000000000000000000000  differ.txt",
      "11111111111111111111111111111111 *missing.txt",
      "# a comment",
      "not a sum line",
      `${md5("deep\n").toUpperCase()}  sub/deep.txt`,
      "",
    ].join("\n"),
  };
}

const REPORTED = /(ERROR|NOTICE)/;

describe.runIf(hasRclone)("checksum against rclone", { concurrent: true }, () => {
  for (const extra of [[], ["--one-way"], ["--download"], ["--include", "*.txt", "--one-way"]]) {
    it(`checksum md5 ${extra.join(" ")}`, async () => {
      const p = await runPair(["checksum", "md5", "sums/sums.md5", "dir", "--combined", "-", ...extra], {
        dir: DIR,
        sums: sums(),
      });
      expect(p.rclone.result.code).toBe(1);
      expect(p.strata.result.code, p.strata.result.stderr).toBe(1);
      const lines = (out: string) =>
        out
          .split("\n")
          .filter((l) => l !== "")
          .sort();
      expect(lines(p.strata.result.stdout)).toEqual(lines(p.rclone.result.stdout));
      expect(grep(p.strata, REPORTED)).toEqual(grep(p.rclone, REPORTED));
    });
  }

  it("a clean check exits 0 with the matching count", async () => {
    const clean: Spec = { "match.txt": "match\n" };
    const p = await runPair(["checksum", "MD5", "sums/sums.md5", "dir"], {
      dir: clean,
      sums: { "sums.md5": `${md5("match\n")}  match.txt\n` },
    });
    expect(p.rclone.result.code).toBe(0);
    expect(p.strata.result.code).toBe(0);
    expect(grep(p.strata, REPORTED)).toEqual(grep(p.rclone, REPORTED));
  });

  it("a directory as the sum file and an unknown hash are refused", async () => {
    for (const args of [
      ["checksum", "md5", "sums", "dir"],
      ["checksum", "nohash", "sums/sums.md5", "dir"],
    ]) {
      const p = await runPair(args, { dir: DIR, sums: sums() });
      expect(p.strata.result.code, args.join(" ")).toBe(p.rclone.result.code);
    }
  });
});
