/** Interactive mode, JSON logs and the bandwidth limit of the transfer commands, through the CLI. */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeTree, removeTree, strata } from "../commands/run-cli.js";

const trees: string[] = [];
afterAll(() => {
  for (const t of trees) removeTree(t);
});

function pair(): { src: string; dst: string } {
  const src = makeTree({ "a.txt": "alpha", "b.txt": "bravo", "c/d.txt": "delta" });
  const dst = makeTree({ "stale.txt": "old" });
  trees.push(src, dst);
  return { src, dst };
}

describe("transfer feedback", () => {
  it("-i copies only what is answered yes, and 's' skips the rest of that kind", async () => {
    const { src, dst } = pair();
    // a.txt: yes; b.txt: no; c/d.txt: skip all further copies; delete of stale.txt: yes.
    const r = await strata(["sync", "-i", src, dst], { input: "y\nn\ns\ny\n" });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('copy "a.txt"?');
    expect(readFileSync(join(dst, "a.txt"), "utf8")).toBe("alpha");
    expect(existsSync(join(dst, "b.txt"))).toBe(false);
    expect(existsSync(join(dst, "c/d.txt"))).toBe(false);
  });

  it("--use-json-log writes one JSON object per log line", async () => {
    const { src, dst } = pair();
    const r = await strata(["copy", "-v", "--use-json-log", src, dst]);
    expect(r.code).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((l) => JSON.parse(l) as { level: string; msg: string; object?: string });
    expect(
      records
        .filter((x) => x.msg.startsWith("Copied"))
        .map((x) => x.object)
        .sort(),
    ).toEqual(["a.txt", "b.txt", "c/d.txt"]);
    expect(records.every((x) => typeof x.level === "string")).toBe(true);
  });

  it("--bwlimit still delivers every byte", async () => {
    const { src, dst } = pair();
    const r = await strata(["copy", "--bwlimit", "1M", "--disable", "copy", src, dst]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dst, "c/d.txt"), "utf8")).toBe("delta");
  });
});
