/** The pure parts of `serve sftp`: path mapping, command-line words, the cached host key, long names. */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { longName } from "../../src/serve/sftp/attrs.js";
import { loadHostKeys } from "../../src/serve/sftp/host-keys.js";
import { remoteOf, shellWords } from "../../src/serve/sftp/paths.js";

const cache = mkdtempSync(join(tmpdir(), "strata-sftp-keys-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("serve sftp paths", () => {
  it("maps absolute and relative paths to remotes, stopping .. at the served root", () => {
    expect(remoteOf("/")).toBe("");
    expect(remoteOf(".")).toBe("");
    expect(remoteOf("/a/./b//c/")).toBe("a/b/c");
    expect(remoteOf("a/../../../etc/passwd")).toBe("etc/passwd");
    expect(remoteOf("/../..")).toBe("");
    // Percent signs are names in SFTP, not encodings.
    expect(remoteOf("/%2e%2e/x")).toBe("%2e%2e/x");
  });

  it("splits command lines as a shell: escapes, quotes, unset variables", () => {
    expect(shellWords("md5sum /a\\ b/c\\&d")).toEqual(["md5sum", "/a b/c&d"]);
    expect(shellWords(`sha1sum '/x y' "/z\\"w"`)).toEqual(["sha1sum", "/x y", '/z"w']);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell probe rclone sends, word for word
    expect(shellWords("echo ${ShellId}%ComSpec%")).toEqual(["echo", "%ComSpec%"]);
    expect(shellWords("echo $HOME/x ''")).toEqual(["echo", "/x", ""]);
  });
});

describe("serve sftp host key", () => {
  it("generates one ed25519 key into the cache directory once, then reuses it", async () => {
    const [first] = await loadHostKeys([], cache);
    const [second] = await loadHostKeys([], cache);
    expect(second?.equals(first as Buffer)).toBe(true);
    const file = join(cache, "id_ed25519");
    expect(readFileSync(file).equals(first as Buffer)).toBe(true);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("refuses a --key file that is not a private key", async () => {
    await expect(loadHostKeys([join(cache, "id_ed25519.pub")])).rejects.toMatchObject({ code: "ConfigInvalid" });
    await expect(loadHostKeys([join(cache, "missing")])).rejects.toMatchObject({ code: "ConfigInvalid" });
  });
});

describe("serve sftp long names", () => {
  it("are ls -l columns: the time of day for recent files, the year for old ones", () => {
    const now = Date.parse("2026-12-03T12:00:00Z");
    const file = {
      kind: "file",
      remote: "d/notes.txt",
      size: 1234,
      modTime: new Date("2026-11-30T08:05:00Z"),
    } as never;
    expect(longName(file, now)).toMatch(/^-rw-r--r-- +1 0 +0 +1234 Nov 30 08:05 notes\.txt$/);
    const dir = { kind: "dir", remote: "old", modTime: new Date("2020-01-02T00:00:00Z") } as never;
    expect(longName(dir, now)).toMatch(/^drwxr-xr-x .* Jan {2}2 {2}2020 old$/);
  });
});
