/**
 * crypt through the CLI, against the real rclone: cryptdecode and cryptcheck print and exit as
 * rclone's; sync never deletes what it cannot decrypt; damaged files fail alone, leaving no partial
 * copy; strict_names turns a foreign name into an error.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, snapshot, strata, stripStamps } from "../commands/run-cli.js";

/** "hunter2" and "pepper", obscured. */
const HUNTER2 = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";
const PEPPER = "EBESExQVFhcYGRobHB0eHzP06D93YA";
const cryptOf = (dir: string, password = HUNTER2, extra = "") => `:crypt,remote=${dir},password=${password}${extra}:`;

const trees: string[] = [];
const tree = (spec: Parameters<typeof makeTree>[0]) => {
  const t = makeTree(spec);
  trees.push(t);
  return t;
};
afterAll(() => {
  for (const t of trees) removeTree(t);
});

/** rclone names on-the-fly remotes with a hash of their options; strata does not. */
const normalise = (log: string) =>
  stripStamps(log)
    .replace(/:crypt\{[\w-]+\}:/g, ":crypt:")
    .split("\n")
    .filter((l) => l !== "" && !l.includes("Config file"))
    .sort();

const SRC = {
  "a.txt": "hello\n",
  "d/b.txt": "world\n",
  "d/e/c.bin": new Uint8Array(70_000).fill(7),
  "empty.txt": "",
};

describe.runIf(hasRclone)("cryptdecode", () => {
  const remote = cryptOf("/nonexistent/crypt-store");
  const plain = ["hello.txt", "a/b/c", "-v", "日本語.txt", "x-v2001-02-03-040506-789.txt"];

  it("--reverse encrypts names as rclone does, and decoding gives them back", async () => {
    const s = await strata(["cryptdecode", "--reverse", remote, "--", ...plain]);
    const r = await rclone(["cryptdecode", "--reverse", remote, "--", ...plain]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toBe(r.stdout);
    const stored = s.stdout
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(" \t ")[1] as string);
    const back = await strata(["cryptdecode", remote, ...stored, "bogus"]);
    const rback = await rclone(["cryptdecode", remote, ...stored, "bogus"]);
    expect(back.stdout).toBe(rback.stdout);
    expect(back.stdout).toContain("bogus \t Failed to decrypt\n");
  });

  it.each([["obfuscate"], ["off"]])("filename_encryption=%s", async (mode) => {
    const r2 = cryptOf("/nonexistent/x", HUNTER2, `,filename_encryption=${mode}`);
    const s = await strata(["cryptdecode", "--reverse", r2, ...plain.filter((p) => p !== "-v")]);
    const r = await rclone(["cryptdecode", "--reverse", r2, ...plain.filter((p) => p !== "-v")]);
    expect(s.stdout).toBe(r.stdout);
  });

  it("refuses more than 10 names and a remote that is not crypt, exiting as rclone", async () => {
    const many = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"];
    const s = await strata(["cryptdecode", remote, ...many]);
    expect(s.code).toBe((await rclone(["cryptdecode", remote, ...many])).code);
    expect(s.stderr).toContain("needs 11 arguments maximum: you provided 12 non flag arguments");
    const local = await strata(["cryptdecode", "/tmp", "x"]);
    expect(local.code).toBe((await rclone(["cryptdecode", "/tmp", "x"])).code);
    expect(local.stderr).toContain('the remote needs to be of type "crypt"');
  });
});

describe.runIf(hasRclone)("cryptcheck", () => {
  it("reports matches, differences and missing files as rclone, exit codes included", async () => {
    const src = tree(SRC);
    const store = tree({});
    expect((await strata(["copy", src, cryptOf(store)])).code).toBe(0);
    const clean = [
      await strata(["cryptcheck", src, cryptOf(store)]),
      await rclone(["cryptcheck", src, cryptOf(store)]),
    ];
    expect(clean.map((r) => r.code)).toEqual([0, 0]);
    expect(normalise(clean[0]?.stderr ?? "")).toEqual(normalise(clean[1]?.stderr ?? ""));

    // Same size, other bytes; another size; one missing on each side.
    writeFileSync(join(src, "a.txt"), "HELLO\n");
    writeFileSync(join(src, "d/b.txt"), "world, again\n");
    writeFileSync(join(src, "new.txt"), "new\n");
    expect((await rclone(["deletefile", `${cryptOf(store)}empty.txt`])).code).toBe(0);
    // The reports go outside the store: a file in it would be listed as an undecryptable name.
    const reports = tree({});
    const args = (tool: string) => ["cryptcheck", src, cryptOf(store), "--combined", join(reports, tool)];
    const s = await strata(args("s"));
    const r = await rclone(args("r"));
    expect(s.code, s.stderr).toBe(1);
    expect(s.code).toBe(r.code);
    // rclone words the final line "with N errors: last error was: …" when files are missing; strata's
    // check (which cryptcheck shares) does not count those as errors yet.
    const body = (log: string) => normalise(log).filter((l) => !l.startsWith("Failed to"));
    expect(body(s.stderr)).toEqual(body(r.stderr));
    expect(s.stderr).toContain("Failed to cryptcheck: 4 differences found");
    const combined = (f: string) => readFileSync(join(reports, f), "utf8").split("\n").sort();
    expect(combined("s")).toEqual(combined("r"));
  });

  it("refuses a remote that is not crypt", async () => {
    const src = tree(SRC);
    const s = await strata(["cryptcheck", src, src]);
    const r = await rclone(["cryptcheck", src, src]);
    expect(s.code).toBe(r.code);
    expect(stripStamps(s.stderr)).toBe(stripStamps(r.stderr).replace(/^.*Config file.*\n/gm, ""));
  });
});

describe.runIf(hasRclone)("sync into crypt", () => {
  it("never deletes a destination file it cannot decrypt", async () => {
    const src = tree(SRC);
    const store = tree({});
    // A file another key wrote, in the same stored directory.
    expect((await rclone(["copyto", join(src, "a.txt"), `${cryptOf(store, PEPPER)}foreign.txt`])).code).toBe(0);
    const foreign = readdirSync(store);
    expect(foreign).toHaveLength(1);
    const s = await strata(["sync", src, cryptOf(store)]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain("Skipping undecryptable file name");
    expect(readdirSync(store)).toEqual(expect.arrayContaining(foreign));
    expect((await rclone(["check", src, cryptOf(store)])).code).toBe(0);
    // Again, now that the tree is there: still untouched.
    expect((await strata(["sync", src, cryptOf(store)])).code).toBe(0);
    expect(readdirSync(store)).toEqual(expect.arrayContaining(foreign));
    // strict_names makes the foreign name an error instead.
    const strict = await strata(["ls", cryptOf(store, HUNTER2, ",strict_names=true")]);
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain("undecryptable file name");
    const flagged = await strata(["ls", "--crypt-strict-names", cryptOf(store)]);
    expect(flagged.code).not.toBe(0);
    expect(flagged.stderr).toContain("undecryptable file name");
  });
});

describe("damaged crypt files", () => {
  it("fail alone with a typed error naming the file, leaving no partial copy", async () => {
    const src = tree({
      "good.txt": "fine\n",
      "flipped.bin": new Uint8Array(100_000).fill(1),
      "truncated.bin": new Uint8Array(100_000).fill(2),
      "short.bin": new Uint8Array(100_000).fill(3),
      "magic.bin": "abc",
      "wrongkey.bin": "written with another key",
      "z-good.txt": "also fine\n",
    });
    const store = tree({});
    expect((await strata(["copy", src, cryptOf(store)])).code).toBe(0);
    const stored = async (name: string) =>
      join(
        store,
        (await strata(["cryptdecode", "--reverse", cryptOf(store), name])).stdout.split(" \t ")[1]?.trim() as string,
      );
    const edit = async (name: string, fn: (b: Buffer) => Buffer) => {
      const p = await stored(name);
      writeFileSync(p, fn(readFileSync(p)));
    };
    await edit("flipped.bin", (b) => {
      b[32 + 70_000] = (b[32 + 70_000] as number) ^ 0x10;
      return b;
    });
    await edit("truncated.bin", (b) => b.subarray(0, b.length - 100));
    await edit("short.bin", (b) => b.subarray(0, 32 + 65552 + 10));
    await edit("magic.bin", (b) => Buffer.concat([Buffer.from("RCLONF\0\0"), b.subarray(8)]));
    // The same name's stored form under this key, holding data sealed with another key.
    const other = tree({});
    expect((await strata(["copy", join(src, "wrongkey.bin"), cryptOf(other, PEPPER)])).code).toBe(0);
    const [otherFile] = readdirSync(other);
    writeFileSync(await stored("wrongkey.bin"), readFileSync(join(other, otherFile as string)));

    const dst = tree({});
    const s = await strata(["copy", cryptOf(store), dst, "--retries", "1", "--low-level-retries", "1"]);
    expect(s.code).not.toBe(0);
    for (const [name, message] of [
      ["flipped.bin", "failed to authenticate decrypted block 1 - bad password?"],
      ["truncated.bin", "failed to authenticate decrypted block 1 - bad password?"],
      ["short.bin", "file has truncated block header"],
      ["magic.bin", "not an encrypted file - bad magic string"],
      ["wrongkey.bin", "failed to authenticate decrypted block 0 - bad password?"],
    ]) {
      expect(s.stderr).toMatch(new RegExp(`${name}: .*${message.replace(/[?]/g, "\\?")}`));
    }
    expect(snapshot(dst).map((l) => l.split(" ")[0])).toEqual(["good.txt", "z-good.txt"]);
    rmSync(other, { recursive: true, force: true });
  });
});
