/**
 * The final stats of transfers that moved data server-side: a chunk-format migration shows how
 * much was copied on the server, and a move counts as rclone 1.60 counts it (checks and renames).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeTree } from "../cli-sync/harness.js";
import { strata, stripStamps } from "../commands/run-cli.js";
import { grep, hasRclone, runPair } from "./pair.js";

const dir = mkdtempSync(join(tmpdir(), "strata-cli-ss-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The stats block's label column, in order. */
const labels = (stderr: string) =>
  stripStamps(stderr)
    .split("\n")
    .filter((l) =>
      /^(Transferred|Errors|Checks|Deleted|Renamed|Server Side Copies|Server Side Moves|Elapsed time):/.test(l),
    )
    .map((l) => l.split(":")[0]);

describe("server-side figures in the stats block", () => {
  it("a chunk-format migration reports its chunks copied server-side, nothing streamed", async () => {
    const config = join(dir, "strata.json5");
    writeFileSync(
      config,
      JSON.stringify({
        remotes: {
          disk: { type: "local" },
          old: { type: "chunker", remote: `disk:${dir}/old`, chunk_size: "1000b" },
          new: {
            type: "chunker",
            remote: `disk:${dir}/new`,
            chunk_size: "1000b",
            name_format: "*.part##",
            start_from: 0,
          },
        },
      }),
    );
    writeTree(join(dir, "seed"), { "big.bin": new Uint8Array(4500).fill(7), "small.txt": "small" });
    const seeded = await strata(["--config", config, "copy", join(dir, "seed"), "old:"]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const r = await strata(["--config", config, "sync", "old:", "new:", "-v"]);
    expect(r.code, r.stderr).toBe(0);
    const log = stripStamps(r.stderr);
    expect(log).toContain("big.bin: Copied (server-side copy)");
    expect(log).toContain("Server Side Copies:     2 @ 4.399 KiB");
    expect(log).toContain("Transferred:   \t    4.399 KiB / 4.399 KiB, 100%");
    expect(labels(r.stderr)).toEqual(["Transferred", "Transferred", "Server Side Copies", "Elapsed time"]);
  });
});

describe.runIf(hasRclone)("a move's stats against rclone 1.60", () => {
  const TREES = { src: { a: "a", "d/b": "bb" }, dst: {} };

  it("a server-side move is checks and renames, not transfers", async () => {
    const p = await runPair(["move", "src", "dst", "-v"], TREES);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    expect(grep(p.strata, /There was nothing to transfer|Moved/)).toEqual(
      grep(p.rclone, /There was nothing to transfer|Moved/),
    );
    // rclone 1.60 prints no server-side line; strata adds rclone 1.64's after the counts.
    expect(labels(p.rclone.result.stderr)).toEqual(["Transferred", "Checks", "Renamed", "Elapsed time"]);
    expect(labels(p.strata.result.stderr)).toEqual([
      "Transferred",
      "Checks",
      "Renamed",
      "Server Side Moves",
      "Elapsed time",
    ]);
    const counts = /^(Checks|Renamed|Deleted):|^Transferred: +\d/;
    expect(grep(p.strata, counts)).toEqual(grep(p.rclone, counts));
  });

  it("a move that copies and deletes counts a transfer, a delete and a rename, as rclone", async () => {
    const p = await runPair(["move", "src", "dst", "-v"], TREES, ["--disable", "move"]);
    // rclone's local disk moves server-side; strata without move copies and deletes, as rclone to a
    // remote without move: compare the counts with rclone's own copy-and-delete (to :memory:).
    const r = await runPair(["move", "src", ":memory:x", "-v"], TREES);
    expect(p.strata.tree("dst")).toEqual(p.rclone.tree("dst"));
    const counts = /^(Checks|Renamed|Deleted):|^Transferred: +\d/;
    expect(grep(p.strata, counts)).toEqual(grep(r.rclone, counts));
  });
});
