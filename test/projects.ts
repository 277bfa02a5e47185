/**
 * Splits the test files between the vitest projects (see vitest.config.ts). "fast" is the edit
 * loop: it runs in-process only. A file belongs to "slow" when it starts a real server, runs the
 * strata CLI or rclone as a child, or kills a process: it imports, directly or through test helpers,
 * a module of test/servers/, test/kill-child.ts or test/commands/run-cli.ts, or runs rclone or kills
 * a process itself; when it mounts through the kernel (test/mount/); or when it builds and installs
 * the package (`PACKAGE_FILES`: a minute of tsc and npm). The files
 * that run the rows of test/conformance/stacks.ts run in both projects, each taking its own rows
 * (test/stack-rows.ts); importing stacks.ts alone starts nothing, so it does not make a file slow.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Test files that run stack rows: in both projects. */
export const ROW_FILES = ["test/conformance/conformance.test.ts", "test/sync/sync.test.ts"];

/** Test files that build the package and install it with npm. */
const PACKAGE_FILES = ["test/library/pack.test.ts"];

const STACKS = "test/conformance/stacks.ts";
const STARTS_PROCESSES = /^test\/(servers\/[^/]+|kill-child|commands\/run-cli)\.ts$/;
/** A child process started by the file itself: rclone, or one it kills. */
const RUNS_ITSELF = /SIGKILL|\.kill\(|\("rclone"|\["rclone"|"\/usr\/bin\/rclone"/;
const MOUNTS = /^test\/mount\//;

function filesUnder(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(root, join(dir, d.name)) : d.name.endsWith(".ts") ? [join(dir, d.name)] : [],
  );
}

/** The test files (paths relative to `root`) of the slow project, sorted. */
export function slowTestFiles(root: string): string[] {
  const sources = new Map(filesUnder(root, "test").map((f) => [f, readFileSync(join(root, f), "utf8")]));
  const imports = (file: string): string[] =>
    [...(sources.get(file) ?? "").matchAll(/from "(\.{1,2}\/[^"]+)\.js"/g)].map((m) =>
      relative(root, resolve(root, dirname(file), `${m[1]}.ts`)),
    );
  const memo = new Map<string, boolean>();
  const slow = (file: string): boolean => {
    if (STARTS_PROCESSES.test(file)) return true;
    if (file === STACKS || !sources.has(file)) return false;
    const known = memo.get(file);
    if (known !== undefined) return known;
    memo.set(file, false); // an import cycle adds nothing
    const answer = RUNS_ITSELF.test(sources.get(file) as string) || imports(file).some(slow);
    memo.set(file, answer);
    return answer;
  };
  return [...sources.keys()]
    .filter((f) => f.endsWith(".test.ts") && !ROW_FILES.includes(f))
    .filter((f) => PACKAGE_FILES.includes(f) || MOUNTS.test(f) || slow(f))
    .sort();
}
