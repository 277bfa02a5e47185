/** Every relative link in README.md and docs/*.md names a file or directory of the repository. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];

/** Targets of inline links and images, without their #fragment; absolute URLs and pure fragments left out. */
function relativeTargets(markdown: string): string[] {
  // Code spans and blocks hold examples, not links.
  const text = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => (m[1] as string).split("#")[0] as string)
    .filter((t) => t !== "" && !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

it("README.md and docs/*.md link only to paths that exist", () => {
  const broken: string[] = [];
  for (const doc of DOCS) {
    for (const target of relativeTargets(readFileSync(join(ROOT, doc), "utf8"))) {
      const path = join(ROOT, dirname(doc), decodeURIComponent(target));
      if (!existsSync(path)) broken.push(`${doc} → ${target} (${relative(ROOT, path)})`);
    }
  }
  expect(broken).toEqual([]);
});
