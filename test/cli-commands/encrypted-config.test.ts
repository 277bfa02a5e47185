/**
 * An rclone.conf encrypted by the real rclone 1.60 (`rclone config`, "s) Set configuration password",
 * typed on a pty) read by strata with the password from each source, wrong and missing passwords,
 * and a file strata edits staying encrypted and readable by rclone.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { splitCommand } from "../../src/commands/config-password.js";
import { ConfigStore } from "../../src/fs/config.js";
import { configKey, decryptConfig, encryptConfig } from "../../src/fs/config-crypt.js";
import { isFsError } from "../../src/fs/errors.js";
import { hasRclone, rclone, strata, stripStamps } from "../commands/run-cli.js";
import { CLI_ENTRY } from "../global-setup.js";
import { runInPty } from "./pty.js";

/** Typed into rclone with a ligature (U+FB01); both programs key on its NFKC form, "fi". */
const TYPED_PASSWORD = "pass \uFB01 word";
const PASSWORD = "pass fi word";
const PLAIN = "[disk]\ntype = local\n\n[mem]\ntype = memory\n";

let dir: string;
let encrypted: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "strata-enc-config-"));
  encrypted = join(dir, "rclone.conf");
  writeFileSync(encrypted, PLAIN);
  if (!hasRclone) {
    writeFileSync(encrypted, await encryptConfig(PLAIN, configKey(PASSWORD)));
    return;
  }
  const r = await runInPty(
    ["rclone", "config", "--config", encrypted],
    [
      ["e/n/d/r/c/s/q> ", "s\n"],
      ["a/q> ", "a\n"],
      ["\npassword:", `${TYPED_PASSWORD}\n`],
      ["\npassword:", `${TYPED_PASSWORD}\n`],
      ["c/u/q> ", "q\n"],
      ["e/n/d/r/c/s/q> ", "q\n"],
    ],
    {},
  );
  expect(r.code).toBe(0);
  expect(readFileSync(encrypted, "utf8")).toContain("RCLONE_ENCRYPT_V0:");
}, 30_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reading an encrypted rclone.conf", () => {
  it("takes the password from STRATA_CONFIG_PASS, RCLONE_CONFIG_PASS or --password-command", async () => {
    const strataPass = await strata(["--config", encrypted, "listremotes"], { env: { STRATA_CONFIG_PASS: PASSWORD } });
    expect(strataPass).toMatchObject({ code: 0, stdout: "disk:\nmem:\n" });
    const rclonePass = await strata(["--config", encrypted, "listremotes", "--long"], {
      env: { RCLONE_CONFIG_PASS: TYPED_PASSWORD },
    });
    expect(rclonePass).toMatchObject({ code: 0, stdout: "disk: local\nmem:  memory\n" });
    const command = await strata(["--config", encrypted, "--password-command", `echo ${PASSWORD}`, "listremotes"]);
    expect(command).toMatchObject({ code: 0, stdout: "disk:\nmem:\n" });
  });

  it("asks on the terminal with echo off when no password is given", async () => {
    const r = await runInPty(
      [process.execPath, CLI_ENTRY, "--config", encrypted, "listremotes"],
      [["\npassword:", `${PASSWORD}\n`]],
      { STRATA_CONFIG_PASS: "", RCLONE_CONFIG_PASS: "" },
    );
    expect(r.code).toBe(0);
    expect(r.transcript).toBe("Enter configuration password:\npassword:\ndisk:\nmem:\n");
  });

  it("fails with exit 1 on a wrong or missing password, as rclone", async () => {
    const wrong = await strata(["--config", encrypted, "listremotes"], { env: { STRATA_CONFIG_PASS: "nope" } });
    expect(wrong.code).toBe(1);
    expect(stripStamps(wrong.stderr)).toBe(
      `Failed to listremotes: config file "${encrypted}": cannot decrypt it, most likely a wrong password\n`,
    );
    const missing = await strata(["--config", encrypted, "listremotes"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "it is encrypted: give its password with --password-command or STRATA_CONFIG_PASS",
    );
    const failing = await strata(["--config", encrypted, "--password-command", "false", "listremotes"]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("password command failed: exit status 1");
    if (hasRclone) {
      const theirs = await rclone(["--config", encrypted, "--password-command", "echo nope", "listremotes"]);
      expect(theirs.code).toBe(wrong.code);
    }
  });

  it("throws ConfigInvalid from the library on a wrong password", async () => {
    const err = await ConfigStore.load(encrypted, { STRATA_CONFIG_PASS: "nope" }).catch((e: unknown) => e);
    expect(isFsError(err, "ConfigInvalid")).toBe(true);
    const store = await ConfigStore.load(encrypted, { RCLONE_CONFIG_PASS: PASSWORD });
    expect(store.encrypted).toBe(true);
    expect(store.get("mem")).toEqual({ type: "memory" });
  });

  it("keeps the file encrypted when strata edits it, and rclone reads the result", async () => {
    const copy = join(dir, "edited.conf");
    writeFileSync(copy, readFileSync(encrypted));
    const env = { STRATA_CONFIG_PASS: PASSWORD };
    const r = await strata(["--config", copy, "config", "create", "extra", "alias", "remote=/tmp"], { env });
    expect(r.code).toBe(0);
    const text = readFileSync(copy, "utf8");
    expect(text.startsWith("# Encrypted rclone configuration File\n\nRCLONE_ENCRYPT_V0:\n")).toBe(true);
    expect(text).not.toContain("alias");
    expect(await decryptConfig(text, configKey(PASSWORD), copy)).toContain("[extra]\ntype = alias\nremote = /tmp\n");
    if (hasRclone) {
      const theirs = await rclone(["--config", copy, "listremotes", "--long"], {
        env: { RCLONE_CONFIG_PASS: PASSWORD },
      });
      expect(theirs.stdout).toBe("disk:  local\nextra: alias\nmem:   memory\n");
    }
  });
});

describe("--password-command is split as rclone's space-separated lists", () => {
  it.each([
    ["echo pass", ["echo", "pass"]],
    ['sh -c "echo ""a b"""', ["sh", "-c", 'echo "a b"']],
    ["a  b", ["a", "", "b"]],
    ['"x"', ["x"]],
  ])("%s", (text, words) => {
    expect(splitCommand(text)).toEqual(words);
  });
  it.each(['a"b', '"ab', '"a"b'])("rejects the stray quote in %s", (text) => {
    expect(() => splitCommand(text)).toThrow(/extraneous or missing "/);
  });
});
