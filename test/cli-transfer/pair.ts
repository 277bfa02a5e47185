/**
 * Side-by-side runs for the transfer features: the same named trees (`src`, `dst`, `cmp`, …) are
 * written twice, real rclone runs in one copy and strata in the other with the same arguments, and
 * the outcome of each is returned for comparison.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { type Spec, snapshot, writeTree } from "../cli-sync/harness.js";
import { type CliResult, rclone, strata, stripStamps } from "../commands/run-cli.js";

export { hasRclone } from "../commands/run-cli.js";

const base = mkdtempSync(join(tmpdir(), "strata-cli-transfer-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));

export interface Run {
  root: string;
  result: CliResult;
  /** The snapshot of tree `name` after the run. */
  tree(name: string): string[];
  /** Log lines without timestamps, the root replaced by ROOT. */
  lines(): string[];
  ms: number;
}

let seq = 0;

/** Writes `trees` into a fresh directory per tool and runs both with `args` there; `strataExtra` only for strata. */
export async function runPair(
  args: string[],
  trees: Record<string, Spec>,
  strataExtra: string[] = [],
): Promise<{ rclone: Run; strata: Run }> {
  const dir = join(base, String(seq++));
  const side = async (tool: "rclone" | "strata"): Promise<Run> => {
    const root = join(dir, tool);
    for (const [name, spec] of Object.entries(trees)) writeTree(join(root, name), spec);
    const started = Date.now();
    const result =
      tool === "rclone" ? await rclone(args, { cwd: root }) : await strata([...args, ...strataExtra], { cwd: root });
    const ms = Date.now() - started;
    return {
      root,
      result,
      ms,
      tree: (name) => snapshot(join(root, name)),
      lines: () =>
        stripStamps(result.stderr)
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => l.split(root).join("ROOT")),
    };
  };
  const [r, s] = await Promise.all([side("rclone"), side("strata")]);
  return { rclone: r, strata: s };
}

/** The lines matching `re`, sorted, level prefix kept. */
export function grep(run: Run, re: RegExp): string[] {
  return run
    .lines()
    .filter((l) => re.test(l))
    .sort();
}
