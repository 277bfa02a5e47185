/** about, obscure, reveal and version, and the exit codes the brief asks for. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reveal } from "../../src/fs/obscure.js";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, strata, stripStamps } from "./run-cli.js";

let root: string;
beforeAll(() => {
  root = makeTree(STANDARD);
});
afterAll(() => removeTree(root));

describe("about", () => {
  it("prints rclone's layout for the local disk", async () => {
    const r = await strata(["about", root]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Total: {3}\d+(\.\d{3})? [KMGTPE]?i?B\nUsed: {4}\S+ \S+\nFree: {4}\S+ \S+\n$/);
    const full = await strata(["about", "--full", root]);
    expect(full.stdout).toMatch(/^Total: {3}\d+\nUsed: {4}\d+\nFree: {4}\d+\n$/);
    if (hasRclone) {
      // Used and free drift between two calls; the total does not.
      const theirs = await rclone(["about", root]);
      expect(r.stdout.split("\n")[0]).toBe(theirs.stdout.split("\n")[0]);
    }
  });
  it("prints tab-indented JSON in rclone's field order", async () => {
    const r = await strata(["about", "--json", root]);
    expect(r.stdout).toMatch(/^\{\n\t"total": \d+,\n\t"used": \d+,\n\t"free": \d+\n\}\n$/);
    if (hasRclone) {
      const theirs = await rclone(["about", "--json", root]);
      expect(Object.keys(JSON.parse(r.stdout))).toEqual(Object.keys(JSON.parse(theirs.stdout)));
      expect(JSON.parse(r.stdout).total).toBe(JSON.parse(theirs.stdout).total);
    }
  });
  it("fails with NotImplemented where the remote has no about (exit 2; rclone's uncategorised 1)", async () => {
    const r = await strata(["about", ":memory:"]);
    expect(r.code).toBe(2);
    expect(stripStamps(r.stderr)).toBe("Failed to about: :memory: doesn't support about\n");
    const disabled = await strata(["about", root, "--disable", "about"]);
    expect(disabled.code).toBe(2);
    expect(disabled.stderr).toContain("doesn't support about");
  });
});

describe("obscure and reveal", () => {
  it("obscures so that rclone reveals it", async () => {
    const r = await strata(["obscure", "hunter2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^[A-Za-z0-9_-]+\n$/);
    expect(reveal(r.stdout.trim())).toBe("hunter2");
    if (hasRclone) expect((await rclone(["reveal", "--", r.stdout.trim()])).stdout).toBe("hunter2\n");
  });
  it("reads the first line of stdin for -, and takes - literally without piped input", async () => {
    const piped = await strata(["obscure", "-"], { input: "line1\r\nline2\n" });
    expect(reveal(piped.stdout.trim())).toBe("line1");
    const literal = await strata(["obscure", "-"]);
    expect(reveal(literal.stdout.trim())).toBe("-");
    const empty = await strata(["obscure", ""]);
    expect(reveal(empty.stdout.trim())).toBe("");
  });
  it("reveals rclone's values and fails with exit 1 on garbage", async () => {
    expect((await strata(["reveal", "9thXyVxBgPrQFaGwS1pbaG0AhxPfGWU"])).stdout).toBe("hunter2\n");
    expect((await strata(["reveal", "AAECAwQFBgcICQoLDA0OD2nqCVFioHI"])).stdout).toBe("hunter2\n");
    const bad = await strata(["reveal", "abc"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("input too short");
    if (hasRclone) expect((await rclone(["reveal", "abc"])).code).toBe(1);
  });
});

describe("version", () => {
  it("prints the package version and platform lines in rclone's style", async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "package.json"), "utf8")) as {
      version: string;
    };
    const r = await strata(["version"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(`strata v${pkg.version}`);
    expect(lines.slice(1).map((l) => l.split(":")[0])).toEqual([
      "- os/version",
      "- os/kernel",
      "- os/type",
      "- os/arch",
      "- node/version",
    ]);
    expect(lines).toContain(`- node/version: ${process.version}`);
    expect(lines).toContain(`- os/type: ${process.platform}`);
    if (hasRclone) {
      const theirs = (await rclone(["version"])).stdout.split("\n");
      for (const key of ["os/version", "os/kernel", "os/type", "os/arch"]) {
        expect(lines.find((l) => l.startsWith(`- ${key}:`))).toBe(theirs.find((l) => l.startsWith(`- ${key}:`)));
      }
    }
  });
});

describe("exit codes", () => {
  it("0 on success, 1 for a missing argument, 3 for a missing directory, 4 for a missing file", async () => {
    expect((await strata(["ls", root])).code).toBe(0);
    for (const cmd of [
      "lsd",
      "lsf",
      "tree",
      "size",
      "cat",
      "mkdir",
      "rmdir",
      "rmdirs",
      "purge",
      "delete",
      "deletefile",
      "touch",
      "about",
      "obscure",
      "reveal",
    ]) {
      const r = await strata([cmd]);
      expect([cmd, r.code]).toEqual([cmd, 1]);
    }
    expect((await strata(["ls", join(root, "nope")])).code).toBe(3);
    expect((await strata(["deletefile", join(root, "nope.txt")])).code).toBe(4);
    expect((await strata(["deletefile", join(root, "nodir", "nope.txt")])).code).toBe(4);
  });
});
