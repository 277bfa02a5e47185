/** STRATA_<FLAG> for every flag, and backend flags from the option schemas with rclone's precedence. */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasRclone, makeTree, rclone, removeTree, STANDARD, sortedLines, strata } from "../commands/run-cli.js";
import { tempDirs } from "../temp-dirs.js";

const dir = tempDirs("strata-cli-env-");
const src = makeTree(STANDARD);
afterAll(() => removeTree(src));

describe.runIf(hasRclone)("flags from the environment, as RCLONE_<FLAG>", () => {
  it("a command's own flag: STRATA_MAX_DEPTH as RCLONE_MAX_DEPTH, and the flag wins over it", async () => {
    for (const extra of [[], ["--max-depth", "2"]]) {
      const args = ["lsf", "-R", src, ...extra];
      const [s, r] = await Promise.all([
        strata(args, { env: { STRATA_MAX_DEPTH: "1" } }),
        rclone(args, { env: { RCLONE_MAX_DEPTH: "1" } }),
      ]);
      expect(s.code, s.stderr).toBe(0);
      // rclone lists subdirectories concurrently: its order is not fixed.
      expect(sortedLines(s.stdout)).toEqual(sortedLines(r.stdout));
    }
  });

  it("a global flag: STRATA_DRY_RUN=true copies nothing, STRATA_LOG_LEVEL=DEBUG logs at DEBUG", async () => {
    const dst = join(dir(), "dst");
    const s = await strata(["copy", src, dst], { env: { STRATA_DRY_RUN: "true", STRATA_LOG_LEVEL: "DEBUG" } });
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain('DEBUG : Setting --dry-run "true" from environment variable STRATA_DRY_RUN="true"');
    expect(s.stderr).toContain("Skipped copy as --dry-run is set");
    expect(() => readdirSync(dst)).toThrow();
  });

  it("a value that does not parse ends the run as rclone's does", async () => {
    const [s, r] = await Promise.all([
      strata(["lsf", src], { env: { STRATA_CHECKERS: "abc" } }),
      rclone(["lsf", src], { env: { RCLONE_CHECKERS: "abc" } }),
    ]);
    expect(s.code).toBe(1);
    expect(s.code).toBe(r.code);
    const line = (t: string) =>
      t
        .replace(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} /, "")
        .replaceAll("RCLONE_", "STRATA_")
        .replace("strconv.ParseInt: ", "")
        .trim();
    expect(line(s.stderr)).toBe(line(r.stderr));
  });
});

describe("backend flags from the option schemas", () => {
  /** A 2500-byte file copied through chunker; the number of chunks shows which chunk size won. */
  async function chunksWith(args: string[], env: NodeJS.ProcessEnv, remote = "ch:"): Promise<number> {
    const root = dir();
    const base = join(root, "base");
    mkdirSync(base);
    const config = join(root, "strata.json5");
    writeFileSync(config, JSON.stringify({ remotes: { ch: { type: "chunker", remote: base, chunk_size: "500b" } } }));
    const from = join(root, "from");
    mkdirSync(from);
    writeFileSync(join(from, "f"), new Uint8Array(2500));
    const s = await strata(["copy", from, remote, ...args], { env: { STRATA_CONFIG: config, ...env } });
    expect(s.code, s.stderr).toBe(0);
    return readdirSync(base).filter((n) => n.includes(".rclone_chunk.")).length;
  }

  it("precedence: connection string > flag > env > config file", async () => {
    const env = { STRATA_CHUNKER_CHUNK_SIZE: "1000b" };
    const flag = ["--chunker-chunk-size", "1300b"];
    expect(await chunksWith([], {})).toBe(5);
    expect(await chunksWith([], env)).toBe(3);
    expect(await chunksWith(flag, env)).toBe(2);
    expect(await chunksWith(flag, env, "ch,chunk_size=3000b:")).toBe(0);
  });

  it("a value the schema refuses fails before any work, naming the flag and the option", async () => {
    const s = await strata(["lsf", src, "--chunker-chunk-size", "abc"]);
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('flag --chunker-chunk-size: option "chunk_size" expected a size');
    const missing = await strata(["lsf", src, "--crypt-password"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("flag needs an argument: --crypt-password");
  });

  it.runIf(hasRclone)(
    "--crypt-password on an on-the-fly crypt remote is read back by rclone with the same flag",
    async () => {
      const store = dir();
      const obscured = (await rclone(["obscure", "s3cret"])).stdout.trim();
      const remote = `:crypt,remote=${store}:`;
      const s = await strata(["copy", src, remote, "--crypt-password", obscured]);
      expect(s.code, s.stderr).toBe(0);
      const r = await rclone(["lsf", "-R", "--files-only", remote, "--crypt-password", obscured]);
      expect(r.code, r.stderr).toBe(0);
      expect(
        r.stdout
          .split("\n")
          .filter((l) => l !== "")
          .sort(),
      ).toEqual(["a/b/zero", "a/f2.bin", "c/big.dat", "f1.txt"]);
    },
  );

  it("help flags lists them with rclone's names, and help backend still describes the options", async () => {
    const s = await strata(["help", "flags", "^(crypt-password|s3-provider|chunker-chunk-size)$"]);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/--chunker-chunk-size SizeSuffix/);
    expect(s.stdout).toMatch(/--crypt-password string/);
    expect(s.stdout).toMatch(/--s3-provider string/);
    const b = await strata(["help", "backend", "crypt"]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain("#### password");
  });
});
