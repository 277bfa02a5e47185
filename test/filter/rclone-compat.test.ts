/**
 * The filter against real rclone 1.60: for each case, `rclone lsf -R` over a temp tree versus the same
 * tree walked with our Filter, and the rule dump (`--dump filters`) versus ours.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import yargs from "yargs";
import { isFsError } from "../../src/fs/errors.js";
import { Filter } from "../../src/fs/filter/filter.js";
import { attachFilterValues, filterFlags, filterOptionsFromArgs } from "../../src/fs/filter/flags.js";
import { buildFilterTree, FILTER_CASES, materializeArgs } from "./cases.js";
import { walkFiltered } from "./walk.js";

const RCLONE = "/usr/bin/rclone";
const run = promisify(execFile);

interface RcloneResult {
  ok: boolean;
  lines: string[];
  dump: string;
  stderr: string;
}

let work: string;
let tree: string;
let config: string;

async function rclone(args: string[]): Promise<RcloneResult> {
  try {
    const { stdout, stderr } = await run(RCLONE, args, {
      env: { ...process.env, RCLONE_CONFIG: config },
      maxBuffer: 1 << 24,
    });
    const start = stdout.indexOf("--- File filter rules ---");
    const end = stdout.indexOf("--- end filters ---\n");
    const dump = start >= 0 && end >= 0 ? stdout.slice(start, end).trimEnd() : "";
    const listing = end >= 0 ? stdout.slice(end + "--- end filters ---\n".length) : stdout;
    return { ok: true, lines: listing.split("\n").filter((l) => l !== ""), dump, stderr };
  } catch (err) {
    return { ok: false, lines: [], dump: "", stderr: String((err as { stderr?: string }).stderr ?? err) };
  }
}

async function strataFilter(args: string[], now: Date): Promise<Filter> {
  const argv = filterFlags(yargs(attachFilterValues(args)).strict().exitProcess(false).fail(false)).parseSync();
  return Filter.create(filterOptionsFromArgs(argv), now);
}

const sorted = (xs: string[]) => [...xs].sort();

describe.runIf(existsSync(RCLONE))("filters match rclone 1.60", () => {
  const now = new Date();

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "strata-filter-"));
    tree = join(work, "tree");
    config = join(work, "rclone.conf");
    writeFileSync(config, "");
    buildFilterTree(tree, now);
  });

  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it("has at least 35 listing cases", () => {
    expect(FILTER_CASES.filter((c) => !c.error).length).toBeGreaterThanOrEqual(35);
  });

  FILTER_CASES.forEach((c, index) => {
    it(`${c.error ? "rejects" : "lists"}: ${c.name} (${c.args.join(" ")})`, async () => {
      const args = materializeArgs(c, join(work, `side-${index}`));
      const files = await rclone(["lsf", "-R", "--files-only", "--dump", "filters", ...args, tree]);
      if (c.error) {
        expect(files.ok, `rclone accepted ${args.join(" ")}`).toBe(false);
        const err = await strataFilter(args, now).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isFsError(err, "Usage"), `strata accepted ${args.join(" ")}: ${String(err)}`).toBe(true);
        return;
      }
      expect(files.ok, files.stderr).toBe(true);
      const filter = await strataFilter(args, now);
      const ours = walkFiltered(tree, filter);
      expect(ours.files).toEqual(sorted(files.lines));
      expect(filter.dump().slice(filter.dump().indexOf("--- File filter rules ---"))).toBe(files.dump);
      if (c.dirs) {
        const dirs = await rclone(["lsf", "-R", "--dirs-only", ...args, tree]);
        expect(dirs.ok, dirs.stderr).toBe(true);
        expect(ours.dirs).toEqual(sorted(dirs.lines.map((d) => d.replace(/\/$/, ""))));
      }
    });
  });
});
