/**
 * Commands are loaded on demand (src/commands/index.ts): each table name must be its module's
 * command, every command must still run, and the listings (help, completion) must name them all.
 */
import { describe, expect, it } from "vitest";
import { splitCommand } from "../../src/commands/command-shape.js";
import { commandTable, loadCommands } from "../../src/commands/index.js";
import { strata } from "../commands/run-cli.js";

/** The commands listed to users (`__complete` is hidden, as cobra hides its own). */
const listed = commandTable.map((c) => c.name).filter((n) => !n.startsWith("__"));

describe("the command table", () => {
  it("names each command as its module does, in alphabetical order", async () => {
    const modules = await loadCommands();
    expect(modules.map((m) => splitCommand(m)[0])).toEqual(commandTable.map((c) => c.name));
    expect(listed).toEqual([...listed].sort());
  });

  it("reaches every command: `<command> --help` runs its own module", async () => {
    // A few at a time: one process per command would take long one by one, and swamp the machine all at once.
    for (let at = 0; at < listed.length; at += 6) {
      const names = listed.slice(at, at + 6);
      const runs = await Promise.all(names.map((name) => strata([name, "--help"])));
      runs.forEach((run, i) => {
        expect(run.code, `${names[i]}: ${run.stderr}`).toBe(0);
        expect(run.stdout, names[i]).toContain(`strata ${names[i]}`);
      });
    }
  });

  it("lists every command in `strata help` and in `strata --help`", async () => {
    for (const args of [["help"], ["--help"]]) {
      const run = await strata(args);
      expect(run.code).toBe(0);
      const names = run.stdout.split("\n").flatMap((l) => /^ {2}([a-z]\S*) +\S/.exec(l)?.[1] ?? []);
      expect(names).toEqual(expect.arrayContaining(listed));
    }
  });

  it("completes every command name from an empty word", async () => {
    const run = await strata(["__complete", "--", ""]);
    expect(run.code).toBe(0);
    const candidates = run.stdout.split("\n").map((l) => l.split("\t")[0]);
    expect(candidates).toEqual(expect.arrayContaining(listed));
  });

  it("reports an unknown command with suggestions taken from the table", async () => {
    const run = await strata(["snyc", "a", "b"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^Error: unknown command "snyc" for "strata"\n\nDid you mean this\?\n\tsync\n/);
  });

  it("shows the root usage for a usage mistake yargs reports before any command's builder", async () => {
    const run = await strata(["version", "--checkers"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Error: ");
  });
});
