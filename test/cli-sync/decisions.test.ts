/**
 * The flags that decide whether a file is transferred, against real rclone: the same resulting
 * trees and the same files reported as copied, replaced, deleted or only given the source's modtime.
 * The trees (harness SRC/DST) hold one file per distinction: same size and modtime with other bytes,
 * an older and a newer destination, the same bytes with another modtime, another size only.
 */
import { describe, expect, it } from "vitest";
import { actions, hasRclone, NEWER, runBoth, transferred } from "./harness.js";

const FLAGS = [
  [],
  ["--checksum"],
  ["--size-only"],
  ["--ignore-times"],
  ["--ignore-existing"],
  ["--update"],
  ["--ignore-size"],
  ["--no-update-modtime"],
  ["--update", "--checksum"],
  ["--update", "--size-only"],
  ["--checksum", "--ignore-size"],
];

describe.runIf(hasRclone)("decision flags", () => {
  for (const cmd of ["copy", "sync"]) {
    for (const flags of FLAGS) {
      it(`${cmd} ${flags.join(" ") || "(defaults)"}`, async () => {
        const p = await runBoth([cmd, "src", "dst", "-v", ...flags]);
        expect(p.strata.result.code, p.strata.result.stderr).toBe(p.rclone.result.code);
        expect(p.strata.tree()).toEqual(p.rclone.tree());
        expect(transferred(p.strata)).toEqual(transferred(p.rclone));
        // Modtime-only fixes too (--no-update-modtime must leave touched.txt's old modtime).
        expect(actions(p.strata, /Updated modification time/)).toEqual(actions(p.rclone, /Updated modification time/));
      });
    }
  }

  it("--update transfers a newer source with other bytes but only fixes the modtime of the same bytes", async () => {
    const p = await runBoth(["copy", "src", "dst", "-v", "--update"], {
      src: { "same.bin": { data: "1234", mtime: NEWER }, "other.bin": { data: "abcd", mtime: NEWER } },
      dst: { "same.bin": "1234", "other.bin": "ABCD" },
    });
    expect(p.strata.tree()).toEqual(p.rclone.tree());
    expect(actions(p.strata)).toEqual([
      "other.bin: Copied (replaced existing)",
      "same.bin: Updated modification time in destination",
    ]);
    expect(actions(p.rclone)).toEqual(actions(p.strata));
  });
});
