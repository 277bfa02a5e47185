/**
 * Every example under examples/ runs as its own process, importing "strata" as a user's program
 * does, prints what docs/library.md says it prints, logs nothing to stderr and exits by itself
 * (closeAll released what it opened).
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLES = join(ROOT, "examples");

/** Lines each example must print (in this order, among others). */
const EXPECTED: Record<string, string[]> = {
  "demo.ts": ["6 files", "disk2 lost: all 6 files read back identical"],
  "open-remotes.ts": ["crypt  file  plans/today.txt", "read back: meet at noon"],
  "sync-and-check.ts": [
    "sync: 3 transferred, 420000 bytes, 0 errors",
    "check: 2 match, 1 missing on the destination",
    "as the CLI would fail: 1 differences found",
  ],
  "logging.ts": ['ERROR crypt: suffix "bin" has no leading dot; using ".bin"'],
  "fault-injection.ts": ["one: copied", "two: Transient (temporary), worth another try", "puts on the destination: 3"],
};

const run = promisify(execFile);

describe.concurrent("examples", () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith(".ts"));

  it("has an expectation for every example", () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    it(`${file} runs and exits by itself`, async () => {
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", join(EXAMPLES, file)], {
        cwd: ROOT,
        timeout: 30_000,
      });
      expect(stderr).toBe("");
      let at = 0;
      for (const line of EXPECTED[file] ?? []) {
        const found = stdout.indexOf(line, at);
        expect(found, `${file} prints ${JSON.stringify(line)} in order:\n${stdout}`).toBeGreaterThanOrEqual(0);
        at = found + line.length;
      }
    });
  }
});
