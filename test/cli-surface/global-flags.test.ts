/** Global flags: accepted by every command as rclone's are, and those strata acts on do what rclone's do. */
import { readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { GLOBAL_FLAGS } from "../../src/commands/global-flags.js";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, snapshot, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";

const dir = tempDirs("strata-cli-surface-");
const src = makeTree(STANDARD);
afterAll(() => removeTree(src));

/** One value for every global flag strata and rclone share, none of which changes what a listing prints. */
const HABITS = [
  "--retries=2",
  "--retries-sleep=0s",
  "--low-level-retries=3",
  "--timeout=1m",
  "--contimeout=10s",
  "--fast-list",
  "--dump=headers",
  "--use-server-modtime",
  "--modify-window=2s",
  "--checkers=2",
  "--transfers=2",
  "--stats=0",
  "--stats-one-line",
  "--stats-file-name-length=0",
  "--ask-password=false",
  "--human-readable",
  "--use-json-log",
];

describe.runIf(hasRclone)("global flags", () => {
  const commands: string[][] = [
    ["lsf", src],
    ["size", src],
    ["md5sum", src],
    ["check", src, src],
    ["version"],
    ["tree", src],
  ];
  for (const args of commands) {
    it(`${args[0]} accepts the global flags users pass out of habit, as rclone does`, async () => {
      const [s, r] = await Promise.all([strata([...args, ...HABITS]), rclone([...args, ...HABITS])]);
      expect(r.code, r.stderr).toBe(0);
      expect(s.code, s.stderr).toBe(0);
    });
  }

  it("docs/cli.md describes every global flag", () => {
    const doc = readFileSync(join(__dirname, "../../docs/cli.md"), "utf8");
    for (const f of GLOBAL_FLAGS) expect(doc, f.name).toContain(`\`--${f.name}\``);
  });

  it("--log-file gets the log and the final error, stderr nothing", async () => {
    const log = join(dir(), "log.txt");
    const dst = join(dir(), "dst");
    const ok = await strata(["copy", "-v", "--log-file", log, src, dst]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    expect(readFileSync(log, "utf8")).toMatch(/INFO {2}: f1\.txt: Copied \(new\)/);
    const bad = await strata(["copy", "--retries", "1", "--log-file", log, join(src, "missing"), dst]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toBe("");
    // Appended, as rclone's log file.
    const text = readFileSync(log, "utf8");
    expect(text).toContain("Copied (new)");
    expect(text).toMatch(/Failed to copy: directory not found\n$/);
  });

  it("--retries sets the attempts and --retries-sleep waits between them", async () => {
    const missing = join(src, "missing");
    const started = Date.now();
    const s = await strata(["copy", "--retries", "2", "--retries-sleep", "600ms", missing, join(dir(), "d")]);
    const took = Date.now() - started;
    expect(s.code).toBe(3);
    expect(s.stderr.match(/Attempt \d\/2 failed/g)).toHaveLength(2);
    expect(took).toBeGreaterThanOrEqual(600);
  });

  it("--modify-window counts nearby modtimes as equal, as rclone's", async () => {
    const run = async (tool: typeof strata, extra: string[]) => {
      const dst = join(dir(), "dst");
      expect((await tool(["copy", src, dst])).code).toBe(0);
      const later = new Date(statSync(join(src, "f1.txt")).mtimeMs + 1500);
      utimesSync(join(dst, "f1.txt"), later, later);
      expect((await tool(["copy", src, dst, ...extra])).code).toBe(0);
      return snapshot(dst);
    };
    for (const [extra, kept] of [
      [["--modify-window", "2s"], true],
      [[], false],
    ] as const) {
      const [s, r] = await Promise.all([run(strata, [...extra]), run(rclone, [...extra])]);
      expect(s).toEqual(r);
      const f1 = s.find((l) => l.startsWith("f1.txt "));
      expect(f1?.endsWith("2021-03-04T05:06:07.000Z")).toBe(!kept);
    }
  });

  it("-i is refused by a command that would otherwise change things without asking", async () => {
    const target = makeTree({ "x.txt": "x" });
    const s = await strata(["delete", "-i", target]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain("--interactive is not supported by delete");
    expect(snapshot(target)).toHaveLength(1);
    removeTree(target);
  });
});
