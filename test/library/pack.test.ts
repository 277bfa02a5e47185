/**
 * The published package: built and packed as `npm publish` would, installed from its tarball into
 * an empty directory, then a consumer program (test/library/consumer/) is type-checked against it
 * with skipLibCheck off and run, and the installed CLI runs. The build goes to a temp dir, not
 * dist/, which other tests' processes may be using.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { tempDirs } from "../temp-dirs.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const tempDir = tempDirs("strata-pack-");

const exec = promisify(execFile);
/** Runs a command; a failure's message carries what it printed. */
async function sh(cmd: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(cmd, args, {
      cwd,
      maxBuffer: 64 << 20,
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
  } catch (err) {
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`, { cause: err });
  }
}

it("packs, installs into an empty directory, type-checks and runs a consumer", { timeout: 600_000 }, async () => {
  const work = tempDir();
  const pkg = join(work, "package");
  mkdirSync(pkg);
  for (const f of ["package.json", "README.md", "LICENSE", "bin", "docs", "examples"]) {
    cpSync(join(ROOT, f), join(pkg, f), { recursive: true });
  }
  await sh(process.execPath, [TSC, "-p", "tsconfig.build.json", "--outDir", join(pkg, "dist")], ROOT);
  await sh("npm", ["run", "--silent", "bundle", "--", `--outfile=${join(pkg, "dist", "strata.mjs")}`], ROOT);
  const { stdout: packed } = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], pkg);
  const [{ filename, files }] = JSON.parse(packed) as [{ filename: string; files: { path: string }[] }];
  const paths = files.map((f) => f.path);
  expect(paths).toEqual(expect.arrayContaining(["LICENSE", "dist/index.d.ts", "dist/testing.d.ts", "bin/strata.js"]));
  expect(paths.filter((p) => p.endsWith(".map") || p.startsWith("src/") || p.startsWith("test/"))).toEqual([]);

  const app = join(work, "app");
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  const typesNode = JSON.parse(
    readFileSync(join(ROOT, "node_modules", "@types", "node", "package.json"), "utf8"),
  ).version;
  // Dependencies come from npm's cache where it has them; install scripts are not needed to load.
  await sh(
    "npm",
    [
      "install",
      join(work, filename),
      `@types/node@${typesNode}`,
      "--prefer-offline",
      "--ignore-scripts",
      "--no-audit",
      "--no-fund",
    ],
    app,
  );
  cpSync(join(ROOT, "test", "library", "consumer"), app, { recursive: true });
  await sh(process.execPath, [TSC, "-p", "tsconfig.json"], app);
  const run = await sh(process.execPath, [join("out", "consumer.js")], app);
  expect(run.stderr).toBe("");
  expect(run.stdout).toBe("missing: ObjectNotFound\ncopied 1, matched 1, puts 1\nlogged the suffix: true\n");

  const cli = await sh(join(app, "node_modules", ".bin", "strata"), ["lsf", join(app, "out")], app);
  expect(cli.stdout).toBe("consumer.js\n");
  expect(readdirSync(join(app, "node_modules", "strata"))).not.toContain("src");
});
