/**
 * Issue 18's targets per bench row, and the verdict each row prints: time strata/rclone (medians of
 * the same run) at most `ratio`, and strata's peak RSS under `rssMiB`.
 */

export interface Target {
  ratio?: number;
  rssMiB?: number;
}

/** Rows are matched by name, so the rows themselves stay as they are. */
const TARGETS: [RegExp, Target][] = [
  [/^crypt \d+ MiB crypt\(local\) → local$/, { ratio: 1.0 }],
  [/^chunker \d+ MiB chunker\(64M\) → local$/, { ratio: 0.8 }],
  [/^erasure \d+ MiB local → erasure\(6 × local, 4\+2\)/, { ratio: 1.5 }],
  [/^sync \d+ files \(no-op\)$/, { ratio: 1.5 }],
  [/^check \d+ files$/, { ratio: 1.0 }],
  [/^sync \d+ empty files local → (local|:memory:)$/, { ratio: 1.5, rssMiB: 400 }],
];

export function targetOf(row: string): Target | undefined {
  return TARGETS.find(([pattern]) => pattern.test(row))?.[1];
}

/** "target ≤ 1.5: met", "target ≤ 1.5, RSS < 400 MiB: missed (RSS)", or "" for a row without one. */
export function verdict(target: Target | undefined, ratio: number, strataRssMiB: number): string {
  if (!target) return "";
  const parts: string[] = [];
  const missed: string[] = [];
  if (target.ratio !== undefined) {
    parts.push(`≤ ${target.ratio.toFixed(1)}`);
    if (ratio > target.ratio) missed.push("time");
  }
  if (target.rssMiB !== undefined) {
    parts.push(`RSS < ${target.rssMiB} MiB`);
    if (strataRssMiB >= target.rssMiB) missed.push("RSS");
  }
  return `target ${parts.join(", ")}: ${missed.length === 0 ? "met" : `missed (${missed.join(", ")})`}`;
}
