/**
 * Foundation interop with the real rclone: lsjson of a local tree field for field, obscure/reveal in
 * both directions through the CLIs, and config files (strata's JSON5 errors, rclone.conf read as is).
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { obscure } from "../../src/fs/obscure.js";
import { hasRclone, type LsjsonItem, makeTree, rclone, removeTree, strata } from "../commands/run-cli.js";

const trees: string[] = [];
afterAll(() => {
  for (const t of trees) removeTree(t);
});

function tree(): string {
  const big = new Uint8Array(3 * 1024 * 1024 + 5);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  const root = makeTree({
    "top.txt": "hello\n",
    "zero.bin": "",
    "a/b/c/deep file.json": '{"x":1}',
    "a/big.dat": big,
    "данные/日本語 🎉.md": "unicode",
    "with space/.hidden": "dot",
    "empty-dir": null,
  });
  // A modtime with sub-second digits: both tools must agree to the second.
  utimesSync(join(root, "top.txt"), 1666355696.987654, 1666355696.987654);
  trees.push(root);
  return root;
}

const byPath = (items: LsjsonItem[]) => [...items].sort((a, b) => (a.Path < b.Path ? -1 : 1));

describe.runIf(hasRclone)("interop with real rclone", () => {
  it("lsjson -R --hash of a local tree equals rclone's field for field", async () => {
    const root = tree();
    const [ours, theirs] = await Promise.all([
      strata(["lsjson", "-R", "--hash", root]),
      rclone(["lsjson", "-R", "--hash", root]),
    ]);
    expect(ours.code).toBe(0);
    expect(theirs.code).toBe(0);
    const a = byPath(JSON.parse(ours.stdout) as LsjsonItem[]);
    const b = byPath(JSON.parse(theirs.stdout) as LsjsonItem[]);
    expect(a.map((i) => i.Path)).toEqual(b.map((i) => i.Path));
    for (const [i, mine] of a.entries()) {
      const ref = b[i] as LsjsonItem;
      expect({ ...mine, ModTime: mine.ModTime.slice(0, 19), Hashes: undefined }).toEqual({
        ...ref,
        ModTime: ref.ModTime.slice(0, 19),
        Hashes: undefined,
      });
      if (mine.IsDir) continue;
      const hashes = mine.Hashes ?? {};
      expect(Object.keys(hashes)).toEqual(expect.arrayContaining(["md5", "sha1"]));
      for (const [type, value] of Object.entries(hashes))
        expect(value, `${mine.Path} ${type}`).toBe(ref.Hashes?.[type]);
    }
  });

  it("strata obscure is revealed by rclone, and strata reveals rclone obscure", async () => {
    for (const secret of ["hunter2", "pässwörd 🔑", "with spaces and , : = signs", ""]) {
      const ours = await strata(["obscure", "--", secret]);
      expect(ours.code).toBe(0);
      // An obscured value may start with "-": both CLIs take it after "--".
      const revealed = await rclone(["reveal", "--", ours.stdout.trim()]);
      expect(revealed.stdout.replace(/\n$/, "")).toBe(secret);
      const theirs = await rclone(["obscure", "--", secret]);
      const back = await strata(["reveal", "--", theirs.stdout.trim()]);
      expect(back.code).toBe(0);
      expect(back.stdout.replace(/\n$/, "")).toBe(secret);
    }
  });

  it("reads an rclone.conf with a local and an alias remote unchanged", async () => {
    const root = tree();
    const dir = mkdtempSync(join(tmpdir(), "strata-rclone-conf-"));
    trees.push(dir);
    const conf = join(dir, "rclone.conf");
    writeFileSync(conf, `[disk]\ntype = local\n\n[photos]\ntype = alias\nremote = disk:${root}/a\n`);
    const [ours, theirs] = await Promise.all([
      strata(["--config", conf, "lsjson", "-R", "photos:"]),
      rclone(["--config", conf, "lsjson", "-R", "photos:"]),
    ]);
    expect(ours.code).toBe(0);
    const paths = (s: string) => byPath(JSON.parse(s) as LsjsonItem[]).map((i) => `${i.Path} ${i.Size}`);
    expect(paths(ours.stdout)).toEqual(paths(theirs.stdout));
  });
});

describe("obscured values that start with a dash", () => {
  it("are taken after -- as rclone takes them", async () => {
    const value = obscure("hunter2", Buffer.alloc(16, 0xf8));
    expect(value.startsWith("-")).toBe(true);
    const r = await strata(["reveal", "--", value]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe("hunter2");
  });
});

describe("config errors name the file, the remote and the key", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-config-errors-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = async (name: string, text: string, remote: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return { file, ...(await strata(["--config", file, "ls", remote])) };
  };

  it("a wrong type", async () => {
    const r = await run("wrong-type.json5", "{ remotes: { disk: { type: 'local', copy_links: 'maybe' } } }", "disk:");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(r.file);
    expect(r.stderr).toContain('remote "disk"');
    expect(r.stderr).toContain('"copy_links"');
    expect(r.stderr).toContain('"maybe"');
  });

  it("an unknown key", async () => {
    const r = await run(
      "unknown-key.json5",
      "// comment\n{ remotes: { disk: { type: 'local', colour: 'blue' } } }",
      "disk:",
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(r.file);
    expect(r.stderr).toContain('remote "disk"');
    expect(r.stderr).toContain('"colour"');
  });

  it("a missing required option and an unknown type", async () => {
    const missing = await run("missing.json5", "{ remotes: { a: { type: 'alias' } } }", "a:");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('"remote" is required');
    const unknown = await run("unknown-type.json5", "{ remotes: { x: { type: 'floppy' } } }", "x:");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown backend type "floppy"');
  });

  it("env variables define and override remotes, connection strings override both", async () => {
    const root = tree();
    const env = { STRATA_CONFIG_VIA_ENV_TYPE: "alias", STRATA_CONFIG_VIA_ENV_REMOTE: join(root, "a") };
    const viaEnv = await strata(["lsf", "via_env:"], { env });
    expect(viaEnv.stdout.split("\n").sort().filter(Boolean)).toEqual(["b/", "big.dat"]);
    const quoted = await strata(["lsf", `:alias,remote="${root}":with space`]);
    expect(quoted.stdout.trim()).toBe(".hidden");
  });
});
