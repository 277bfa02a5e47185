/**
 * Shell completion: the bash script loads in a real bash and completes command names, flags and
 * remote names by asking `strata __complete`; the other shells' scripts are printed.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { complete } from "../../src/commands/completion-candidates.js";
import { loadCommands } from "../../src/commands/index.js";
import { strata } from "../commands/run-cli.js";
import { CLI_ENTRY } from "../global-setup.js";

let dir: string;
let conf: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-completion-"));
  conf = join(dir, "rclone.conf");
  writeFileSync(conf, "[alpha]\ntype = memory\n\n[beta]\ntype = local\n");
  writeFileSync(join(dir, "strata"), `#!/bin/sh\nexec "${process.execPath}" "${CLI_ENTRY}" "$@"\n`);
  chmodSync(join(dir, "strata"), 0o755);
  writeFileSync(join(dir, "notes.txt"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** COMPREPLY after bash's completion function ran on `words` (the last one being completed). */
function bashComplete(words: string[]): string[] {
  const script = [
    "source <(strata completion bash)",
    "complete -p strata >/dev/null || exit 9",
    `COMP_WORDS=(strata ${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length}`,
    "_strata_completions",
    `printf "%s\\n" "\${COMPREPLY[@]}"`,
  ].join("\n");
  const out = execFileSync("bash", ["-c", script], {
    cwd: dir,
    env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, STRATA_CONFIG: conf },
    encoding: "utf8",
  });
  return out.split("\n").filter((l) => l !== "");
}

describe("strata completion bash", () => {
  it("loads in bash and completes a command name", () => {
    expect(bashComplete(["lsj"])).toEqual(["lsjson"]);
    expect(bashComplete(["co"])).toEqual(["completion", "config", "copy", "copyto", "copyurl"]);
  });

  it("completes flags, subcommands, remote names and then files", () => {
    expect(bashComplete(["ls", "--max-d"])).toEqual(["--max-depth"]);
    expect(bashComplete(["config", "cr"])).toEqual(["create"]);
    expect(bashComplete(["ls", ""])).toEqual(["alpha:", "beta:"]);
    expect(bashComplete(["ls", "no"])).toEqual(["notes.txt"]);
  });
});

describe("completion candidates", () => {
  it("skips flag values and hidden commands", async () => {
    const commands = await loadCommands();
    const values = (words: string[]) => complete(commands, words, ["r"]).candidates.map((c) => c.value);
    expect(values(["__"])).toEqual([]);
    expect(complete(commands, ["copy", "--transfers", ""], ["r"])).toEqual({ candidates: [], files: true });
    expect(values(["copy", "--transfers", "4", "r"])).toEqual(["r:"]);
    expect(values(["-v", "ls", "r:pa"])).toEqual([]);
  });
});

describe("strata completion <shell>", () => {
  it.each(["bash", "zsh", "fish", "powershell"])("prints a %s script calling __complete", async (shell) => {
    const r = await strata(["completion", shell]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("__complete --");
  });
  it("refuses an unknown shell", async () => {
    expect((await strata(["completion", "tcsh"])).code).toBe(1);
  });
});
