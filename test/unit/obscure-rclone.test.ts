/**
 * Checks obscure/reveal against the real rclone binary, both directions. Skipped when rclone is not
 * on PATH so the suite still runs on machines without it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { obscure, obscureBytes, reveal, revealBytes } from "../../src/fs/obscure.js";

function rcloneAvailable(): boolean {
  try {
    execFileSync("rclone", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const SAMPLES = [
  "hunter2",
  "",
  "x",
  "pässwörd 🔑",
  "日本語のパスワード",
  "with spaces and = , : \" ' signs",
  "-leading-dash",
  "a".repeat(200),
  "tab\tinside",
];

describe.skipIf(!rcloneAvailable())("obscure against rclone", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "strata-obscure-"));
    const config = join(dir, "rclone.conf");
    writeFileSync(config, "");
    // An empty config keeps rclone from reading (or complaining about) the user's own.
    env = { ...process.env, RCLONE_CONFIG: config };
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function rclone(args: string[], input?: Uint8Array): Buffer {
    return execFileSync("rclone", args, { env, input, stdio: ["pipe", "pipe", "pipe"] });
  }

  /** rclone prints its answer followed by one newline. */
  function line(out: Buffer): Buffer {
    return out.at(-1) === 0x0a ? out.subarray(0, -1) : out;
  }

  it.each(SAMPLES)("rclone reveal accepts our obscure(%j)", (plain) => {
    const ours = obscure(plain);
    // "--" so a value starting with "-" is not read as a flag.
    expect(line(rclone(["reveal", "--", ours])).toString("utf8")).toBe(plain);
  });

  it.each(SAMPLES.filter((s) => s !== ""))("our reveal reverses rclone obscure %j", (plain) => {
    const theirs = line(rclone(["obscure", "--", plain])).toString("utf8");
    expect(theirs).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(reveal(theirs)).toBe(plain);
  });

  it("agrees on the fixed-IV vectors", () => {
    const iv = Uint8Array.from(Buffer.from("ffffffffffffffffffffffffffffffff", "hex"));
    const ours = obscure("correct horse battery staple", iv);
    expect(line(rclone(["reveal", "--", ours])).toString("utf8")).toBe("correct horse battery staple");
  });

  it("round-trips non-UTF-8 bytes in both directions", () => {
    const data = Uint8Array.from([0xff, 0xfe, 0x61, 0x80, 0xc3, 0x28, 0x00, 0x62]);
    // rclone reveal writes the raw bytes to stdout.
    expect(line(rclone(["reveal", "--", obscureBytes(data)])).equals(Buffer.from(data))).toBe(true);
    // `rclone obscure -` reads one line from a non-terminal stdin, raw bytes included.
    const theirs = line(rclone(["obscure", "-"], Buffer.concat([data, Buffer.from("\n")]))).toString("utf8");
    expect(Buffer.from(revealBytes(theirs)).equals(Buffer.from(data))).toBe(true);
  });

  it("refuses what rclone refuses", () => {
    for (const bad of ["abc", "AAECAwQFBgcICQoLDA0OD2nqCVFioHI=", "AAECAwQFBgcICQoLDA0OD2nqCVFioH+"]) {
      expect(() => rclone(["reveal", "--", bad])).toThrow();
      expect(() => reveal(bad)).toThrow();
    }
  });
});
