/**
 * `strata config` driven on a real pty as a user would: a new crypt remote (type from the numbered
 * list, defaults taken with Enter, the password typed hidden), then edit, rename, copy, delete and
 * the config password, checking the file after each and that rclone 1.60 uses what was written.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reveal } from "../../src/fs/obscure.js";
import { hasRclone, rclone, strata } from "../commands/run-cli.js";
import { CLI_ENTRY } from "../global-setup.js";
import { runInPty, type Step } from "./pty.js";

let dir: string;
let conf: string;
let data: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-wizard-"));
  conf = join(dir, "rclone.conf");
  data = join(dir, "data");
  mkdirSync(data);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wizard = (steps: Step[], env: NodeJS.ProcessEnv = {}) =>
  runInPty([process.execPath, CLI_ENTRY, "--config", conf, "config"], steps, env);

/** The `[name]` section of an INI text, as `key = value` lines. */
function section(text: string, name: string): string[] {
  const start = text.indexOf(`[${name}]\n`);
  if (start < 0) return [];
  const body = text.slice(start + name.length + 3);
  return body
    .slice(0, body.search(/\n\[|$/))
    .split("\n")
    .filter((l) => l !== "");
}

describe("strata config (interactive)", () => {
  it("makes a new crypt remote, the password typed hidden and stored obscured", async () => {
    const r = await wizard([
      ["n/s/q> ", "n\n"],
      ["name> ", "\n"],
      ["Can't use empty name.", ""],
      ["name> ", "secret\n"],
      ["Storage> ", "nope\n"],
      ['Bad remote "nope"', ""],
      ["Storage> ", "crypt\n"],
      ["remote> ", "\n"],
      ["This value is required and it has no default.", ""],
      ["remote> ", `${data}\n`],
      ["y/g> ", "y\n"],
      ["\npassword:", "hunter2\n"],
      ["\npassword:", "hunter2\n"],
      ["y/g/n> ", "\n"],
      ["filename_encryption> ", "\n"],
      ["directory_name_encryption> ", "maybe\n"],
      ['Failed to parse "maybe"', ""],
      ["directory_name_encryption> ", "\n"],
      ["y/n> ", "\n"],
      ["y/e/d> ", "\n"],
      ["e/n/d/r/c/s/q> ", "q\n"],
    ]);
    expect(r.code).toBe(0);
    expect(r.transcript).not.toContain("hunter2");
    expect(r.transcript).toContain(
      "Configuration complete.\nOptions:\n- type: crypt\n" +
        `- remote: ${data}\n- password: *** ENCRYPTED ***\n` +
        'Keep this "secret" remote?\ny) Yes this is OK (default)\ne) Edit this remote\nd) Delete this remote\n',
    );
    expect(r.transcript).toContain(
      "Current remotes:\n\nName                 Type\n====                 ====\nsecret               crypt\n",
    );
    const lines = section(readFileSync(conf, "utf8"), "secret");
    expect(lines.slice(0, 2)).toEqual(["type = crypt", `remote = ${data}`]);
    expect(lines).toHaveLength(3);
    expect(reveal((lines[2] as string).replace(/^password = /, ""))).toBe("hunter2");
    if (hasRclone) {
      // rclone encrypts into the remote strata configured; strata decrypts it.
      writeFileSync(join(dir, "plain.txt"), "through both\n");
      expect((await rclone(["--config", conf, "copyto", join(dir, "plain.txt"), "secret:p.txt"])).code).toBe(0);
      expect((await strata(["--config", conf, "cat", "secret:p.txt"])).stdout).toBe("through both\n");
    }
  });

  it("edits a remote with its current values as defaults", async () => {
    const r = await wizard([
      ["e/n/d/r/c/s/q> ", "e\n"],
      ["remote> ", "1\n"],
      [`Press Enter for the default (${data}).`, ""],
      ["remote> ", `${data}/sub\n`],
      ["y/g/n> ", "n\n"],
      ["y/g/n> ", "\n"],
      ["filename_encryption> ", "off\n"],
      ["directory_name_encryption> ", "\n"],
      ["y/n> ", "y\n"],
      ["filename_encoding> ", "\n"],
      ["suffix> ", ".enc\n"],
      ["no_data_encryption> ", "\n"],
      ["server_side_across_configs> ", "\n"],
      ["show_mapping> ", "\n"],
      ["strict_names> ", "\n"],
      ["y/e/d> ", "y\n"],
      ["e/n/d/r/c/s/q> ", "q\n"],
    ]);
    expect(r.code).toBe(0);
    expect(r.transcript).toContain('Editing existing "secret" remote with options:\n- type: crypt\n');
    const lines = section(readFileSync(conf, "utf8"), "secret");
    expect(lines).toContain(`remote = ${data}/sub`);
    expect(lines).toContain("filename_encryption = off");
    expect(lines).toContain("suffix = .enc");
    expect(reveal((lines.find((l) => l.startsWith("password = ")) as string).slice(11))).toBe("hunter2");
  });

  it("copies, renames and deletes remotes", async () => {
    const r = await wizard([
      ["e/n/d/r/c/s/q> ", "c\n"],
      ["remote> ", "secret\n"],
      ["name> ", "twin\n"],
      ["e/n/d/r/c/s/q> ", "r\n"],
      ["remote> ", "1\n"],
      ["name> ", "secret\n"],
      ['Remote "secret" already exists.', ""],
      ["name> ", "renamed\n"],
      ["e/n/d/r/c/s/q> ", "d\n"],
      ["remote> ", "twin\n"],
      ["e/n/d/r/c/s/q> ", "q\n"],
    ]);
    expect(r.code).toBe(0);
    const text = readFileSync(conf, "utf8");
    expect([section(text, "secret"), section(text, "twin")]).toEqual([[], []]);
    expect(section(text, "renamed")).toContain(`remote = ${data}/sub`);
    expect((await strata(["--config", conf, "listremotes", "--long"])).stdout).toBe("renamed: crypt\n");
  });

  it("encrypts the config file with a password rclone then needs", async () => {
    const r = await wizard([
      ["e/n/d/r/c/s/q> ", "s\n"],
      ["a/q> ", "a\n"],
      ["\npassword:", "config pass\n"],
      ["\npassword:", "config pass\n"],
      ["c/u/q> ", "q\n"],
      ["e/n/d/r/c/s/q> ", "q\n"],
    ]);
    expect(r.code).toBe(0);
    expect(r.transcript).toContain("Password set\nYour configuration is encrypted.\n");
    expect(readFileSync(conf, "utf8")).toContain("RCLONE_ENCRYPT_V0:");
    if (hasRclone) {
      const theirs = await rclone(["--config", conf, "listremotes"], { env: { RCLONE_CONFIG_PASS: "config pass" } });
      expect(theirs.stdout).toBe("renamed:\n");
    }
    const unencrypt = await wizard(
      [
        ["e/n/d/r/c/s/q> ", "s\n"],
        ["c/u/q> ", "u\n"],
        ["a/q> ", "q\n"],
        ["e/n/d/r/c/s/q> ", "q\n"],
      ],
      { STRATA_CONFIG_PASS: "config pass" },
    );
    expect(unencrypt.code).toBe(0);
    expect(readFileSync(conf, "utf8")).toMatch(/^\[renamed\]\ntype = crypt\n/);
  });

  it("keeps the non-interactive actions: file, show, create, delete", async () => {
    const file = await strata(["--config", conf, "config", "file"]);
    expect(file.stdout).toBe(`Configuration file is stored at:\n${conf}\n`);
    const missing = await strata(["--config", join(dir, "none.conf"), "config", "file"]);
    expect(missing.stdout).toBe(
      `Configuration file doesn't exist, but strata will use this path:\n${join(dir, "none.conf")}\n`,
    );
    expect((await strata(["--config", conf, "config", "create", "m", "memory"])).code).toBe(0);
    expect((await strata(["--config", conf, "config", "show", "m"])).stdout).toBe("[m]\ntype = memory\n\n");
    expect((await strata(["--config", conf, "config", "delete", "m"])).code).toBe(0);
    expect((await strata(["--config", conf, "config", "bogus"])).code).toBe(1);
  });
});
