/**
 * Bundles the CLI once per test run for the tests that run it as a child process, into a private
 * directory (node_modules/.cache/strata-cli-test), not dist/, so rebuilding dist/ while tests spawn
 * the CLI cannot break them. Skipped when the bundle is newer than every source file.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the tests' build lives; `CLI_ENTRY` there mirrors bin/strata.js. */
export const TEST_BUILD = join(ROOT, "node_modules", ".cache", "strata-cli-test");
export const CLI_ENTRY = join(TEST_BUILD, "strata.mjs");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (d.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const stamp = join(TEST_BUILD, "built");
  const sources = Math.max(newestMtime(join(ROOT, "src")), statSync(join(ROOT, "package.json")).mtimeMs);
  if (existsSync(stamp) && existsSync(CLI_ENTRY) && statSync(stamp).mtimeMs >= sources) return;
  mkdirSync(TEST_BUILD, { recursive: true });
  // The same bundle `npm run build` makes for bin/strata.js, so tests run what ships.
  execFileSync("npm", ["run", "--silent", "bundle", "--", `--outfile=${join(TEST_BUILD, "dist", "strata.mjs")}`], {
    cwd: ROOT,
    stdio: "pipe",
  });
  copyFileSync(join(ROOT, "package.json"), join(TEST_BUILD, "package.json"));
  writeFileSync(CLI_ENTRY, 'import { main } from "./dist/strata.mjs";\n\nawait main(process.argv.slice(2));\n');
  writeFileSync(stamp, new Date().toISOString());
}
