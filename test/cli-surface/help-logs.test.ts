/** `strata` alone, --help, --version, a missing source, and what -vv and --use-json-log print, against rclone. */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, strata, stripStamps } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";

const dir = tempDirs("strata-cli-help-");
const src = makeTree(STANDARD);
afterAll(() => removeTree(src));

const neutral = (text: string) => stripStamps(text).replaceAll("rclone", "PROG").replaceAll("strata", "PROG");

describe.runIf(hasRclone)("help and version, as rclone 1.60", () => {
  it("no command: the usage on stderr and exit 1", async () => {
    const [s, r] = await Promise.all([strata([]), rclone([])]);
    expect(s.code).toBe(1);
    expect(s.code).toBe(r.code);
    expect(s.stdout).toBe("");
    const head = (t: string) => neutral(t).split("\n").slice(0, 5);
    expect(head(s.stderr)).toEqual(head(r.stderr));
    const tail = (t: string) => neutral(t).trimEnd().split("\n").slice(-3);
    expect(tail(s.stderr)).toEqual(tail(r.stderr).map((l) => l.replace("for to see", "to see")));
  });

  it("--help and help: what it is and the commands on stdout, exit 0", async () => {
    for (const args of [["--help"], ["help"], ["-h"]]) {
      const [s, r] = await Promise.all([strata(args), rclone(args)]);
      expect(s.code, s.stderr).toBe(0);
      expect(s.code).toBe(r.code);
      expect(s.stdout).toContain("Usage:\n  strata [flags]\n  strata [command]\n\nAvailable Commands:\n  about ");
      expect(s.stdout).toMatch(/\n {2}version {5}Show the version number\n/);
    }
  });

  it("--version, -V and version: strata v0.1.0, then rclone's os lines and node's", async () => {
    const r = await rclone(["version"]);
    const keys = (t: string) => t.split("\n").map((l) => /^- ([\w/]+):/.exec(l)?.[1]);
    for (const args of [["--version"], ["-V"], ["version"]]) {
      const s = await strata(args);
      expect(s.code, s.stderr).toBe(0);
      const lines = s.stdout.trimEnd().split("\n");
      expect(lines[0]).toBe("strata v0.1.0");
      expect(keys(s.stdout).slice(1, 5)).toEqual(keys(r.stdout).slice(1, 5));
      expect(lines[5]).toBe(`- node/version: ${process.version}`);
    }
  });

  it("<command> --help: its description, usage and flags in cobra's layout, exit 0", async () => {
    const [s, r] = await Promise.all([strata(["lsf", "--help"]), rclone(["lsf", "--help"])]);
    expect(s.code).toBe(0);
    expect(s.code).toBe(r.code);
    const usage = (t: string) => neutral(t).slice(neutral(t).indexOf("Usage:")).split("\n").slice(0, 4);
    expect(usage(s.stdout)).toEqual(usage(r.stdout));
    expect(s.stdout).toMatch(/\n {2}-R, --recursive +Recurse into the listing\n/);
    expect(s.stdout).toMatch(/\n {6}--max-depth int +If set limits the recursion depth to this \(default -1\)\n/);
  });
});

describe.runIf(hasRclone)("logs, as rclone 1.60", () => {
  it("copy from a missing directory: rclone's error lines and exit 3", async () => {
    const missing = join(dir(), "nonexistent");
    const args = ["copy", missing, join(dir(), "dst")];
    const [s, r] = await Promise.all([strata(args), rclone(args)]);
    expect(s.code).toBe(3);
    expect(s.code).toBe(r.code);
    expect(neutral(s.stderr)).toBe(neutral(r.stderr));
    expect(s.stderr).toContain(`ERROR : Local file system at ${missing}: error reading source root directory`);
  });

  it("-vv: the start-up lines, each backend created, the config file and each hash checked", async () => {
    const args = (to: string) => ["copy", src, to, "-vv"];
    // strata copies local to local in the kernel, with no hash to check: streamed, as rclone's, it checks md5.
    const [s, r] = await Promise.all([
      strata([...args(join(dir(), "d")), "--disable", "copy"]),
      rclone(args(join(dir(), "d"))),
    ]);
    expect(s.code, s.stderr).toBe(0);
    // The kinds of line rclone prints at DEBUG that strata prints too, each with rclone's wording.
    const kinds = [
      /^DEBUG : PROG: Version "v[^"]+" starting with parameters \["PROG" "copy" /,
      new RegExp(`^DEBUG : Creating backend with remote "${neutral(src)}"$`),
      /^DEBUG : Using config file from ".+"$/,
      /^DEBUG : Local file system at .+: Waiting for checks to finish$/,
      /^DEBUG : Local file system at .+: Waiting for transfers to finish$/,
      /^DEBUG : f1\.txt: md5 = 5d41402abc4b2a76b9719d911017c592 OK$/,
      /^DEBUG : a\/f2\.bin: md5 = [0-9a-f]{32} OK$/,
      /^INFO {2}: f1\.txt: Copied \(new\)$/,
    ];
    for (const tool of [s, r]) {
      const lines = neutral(tool.stderr).split("\n");
      for (const kind of kinds)
        expect(
          lines.some((l) => kind.test(l)),
          `${kind}\n${tool.stderr}`,
        ).toBe(true);
    }
  });

  it("-vv copyto: a file not at the destination is said to need a transfer, as rclone says it", async () => {
    const args = (to: string) => ["copyto", join(src, "f1.txt"), join(to, "f1.txt"), "-vv"];
    const [s, r] = await Promise.all([strata(args(dir())), rclone(args(dir()))]);
    expect(s.code, s.stderr).toBe(0);
    const line = "DEBUG : f1.txt: Need to transfer - File not found at Destination";
    for (const tool of [s, r]) expect(stripStamps(tool.stderr).split("\n"), tool.stderr).toContain(line);
  });

  it("--use-json-log: rclone's fields, levels and time format", async () => {
    const args = (to: string) => ["copy", src, to, "-v", "--use-json-log"];
    const [s, r] = await Promise.all([strata(args(join(dir(), "d"))), rclone(args(join(dir(), "d")))]);
    expect(s.code, s.stderr).toBe(0);
    type Entry = Record<string, unknown>;
    const copied = (t: string): Entry | undefined =>
      t
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Entry)
        .find((e) => e.msg === "Copied (new)" && e.object === "f1.txt");
    const [es, er] = [copied(s.stderr), copied(r.stderr)];
    expect(Object.keys(es ?? {}).sort()).toEqual(Object.keys(er ?? {}).sort());
    expect(es?.level).toBe(er?.level);
    expect(es?.objectType).toBe("string");
    expect(String(es?.time)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/);
    for (const line of s.stderr.split("\n").filter((l) => l !== "")) {
      const e = JSON.parse(line) as Entry;
      expect(["error", "warning", "info", "debug"]).toContain(e.level);
      expect(typeof e.msg).toBe("string");
      expect(e.source).toBe("strata");
    }
  });
});
