/** Unknown flags and commands, bad flag values and argument counts: strata's report against rclone's. */
import { afterAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, strata } from "../commands/run-cli.js";

const root = makeTree(STANDARD);
afterAll(() => removeTree(root));

/** Output with the program's name made neutral and log time stamps dropped. */
const neutral = (text: string) =>
  text
    .replaceAll("rclone", "PROG")
    .replaceAll("strata", "PROG")
    .replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /gm, "");

/** The lines rclone's report has around the flag listing, which differs by command and tool. */
const frame = (text: string) => {
  const lines = neutral(text).split("\n");
  const flags = lines.indexOf("Flags:");
  const footer = lines.findIndex((l) => l.startsWith('Use "PROG [command] --help"'));
  return { head: lines.slice(0, flags + 1), tail: lines.slice(footer + 3).filter((l) => !l.includes("selfupdate")) };
};

describe.runIf(hasRclone)("mistakes on the command line, as rclone 1.60", () => {
  const cases: [string, string[]][] = [
    ["an unknown flag after the arguments", ["lsf", root, "--bogus"]],
    ["an unknown flag before the arguments (not taken as its value)", ["lsf", "--bogus", root]],
    ["an unknown flag with a value", ["lsf", "--bogus=3", root]],
    ["an unknown shorthand flag", ["lsf", "-j", root]],
    ["a flag without its value", ["lsf", root, "--max-depth"]],
    ["a number flag with a word", ["lsf", root, "--checkers=abc"]],
    ["a global flag's bad value on another command", ["size", root, "--low-level-retries", "x"]],
  ];
  for (const [what, args] of cases) {
    it(`${what}: same error, usage frame and exit code 1`, async () => {
      const [s, r] = await Promise.all([strata(args), rclone(args)]);
      expect(s.code, s.stderr).toBe(1);
      expect(s.code).toBe(r.code);
      expect(s.stdout).toBe("");
      const [fs, fr] = [frame(s.stderr), frame(r.stderr)];
      expect(fs.head[0]).toBe(fr.head[0]?.replace(/strconv.ParseInt: /, ""));
      expect(fs.head.slice(1)).toEqual(fr.head.slice(1));
      expect(fs.tail.map((l) => l.replace(/strconv.ParseInt: /, ""))).toEqual(
        fr.tail.map((l) => l.replace(/strconv.ParseInt: /, "")),
      );
    });
  }

  it("an unknown command: the error, a suggestion when one is close, exit 1", async () => {
    for (const word of ["bogus", "coyp"]) {
      const [s, r] = await Promise.all([strata([word]), rclone([word])]);
      expect(s.code).toBe(1);
      expect(s.code).toBe(r.code);
      const drop = (t: string) =>
        neutral(t)
          .split("\n")
          .filter((l) => !l.includes("selfupdate"));
      expect(drop(s.stderr)).toEqual(drop(r.stderr));
    }
  });

  it("too few and too many arguments: the usage, then rclone's count line", async () => {
    for (const args of [["lsf"], ["lsf", "a", "b", "c"], ["copy", root]]) {
      const [s, r] = await Promise.all([strata(args), rclone(args)]);
      expect(s.code).toBe(1);
      expect(s.code).toBe(r.code);
      const last = (t: string) => neutral(t).trimEnd().split("\n").at(-1);
      expect(last(s.stderr)).toBe(last(r.stderr));
      expect(neutral(s.stderr).startsWith(`Usage:\n  PROG ${args[0]} `)).toBe(true);
    }
  });

  it("a command's flags are checked by the subcommand that runs, not its parent", async () => {
    const s = await strata(["erasure", "status", "--bogus", root]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^Error: unknown flag: --bogus\nUsage:\n {2}strata erasure status remote:path \[flags\]/);
    const sub = await strata(["erasure", "bogus"]);
    expect(sub.code).toBe(1);
    expect(sub.stderr).toMatch(/^Error: unknown command "bogus" for "strata erasure"/);
  });

  it("everything after -- is positional, also what looks like a flag", async () => {
    const s = await strata(["obscure", "--", "--not-a-flag"]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout.trim()).not.toBe("");
  });
});
