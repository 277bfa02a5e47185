/**
 * Every backend and overlay folder is wired in and covered: a registry entry under its folder's name, a
 * user doc in docs/, and at least one conformance row running the whole suite over it.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRegistry } from "../../src/registry-defaults.js";
import { stacks } from "../conformance/stacks.js";

const ROOT = join(import.meta.dirname, "..", "..");
const folders = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

describe.each([
  ["backend", folders("src/backends")],
  ["overlay", folders("src/overlays")],
] as const)("every %s folder", (kind, names) => {
  it.each(names)("%s has a registry entry, a doc and a conformance row", async (name) => {
    const registry = defaultRegistry();
    expect(registry.types()).toContain(name);
    expect((await registry.descriptor(name)).kind).toBe(kind);
    expect(existsSync(join(ROOT, "docs", `${name}.md`)), `docs/${name}.md`).toBe(true);
    const word = new RegExp(`(^|[(, ])${name}([(, )]|$)`);
    expect(
      stacks.some((s) => word.test(s.label)),
      `a row of test/conformance/stacks.ts named ${name}`,
    ).toBe(true);
  });
});
