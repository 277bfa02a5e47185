/**
 * Uploads into compress(local) killed with SIGKILL at seeded random points, from the first piece to
 * past the last (the data, metadata and clean-up steps): afterwards the file is listed and reads back
 * completely as one of the versions written, never a mix and never an error; `cleanup` then removes
 * what the kills left behind.
 */
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { seededRandom } from "../chunker/fixtures/seeded.js";
import { makeTree, removeTree, strata } from "../commands/run-cli.js";
import { killMidUpload } from "../kill-child.js";
import { versionContent } from "./tree.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-compress-put.ts", import.meta.url));
const MiB = 1 << 20;
const TRIALS = 20;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const roots: string[] = [];
afterAll(() => {
  for (const r of roots.splice(0)) removeTree(r);
});

describe("compress: uploads killed with SIGKILL", () => {
  it(`never leaves a listed file that fails to read (${TRIALS} kills)`, async () => {
    const dir = makeTree({});
    roots.push(dir);
    const fs = await newFs(`:compress,remote=${dir}:`, createContext());
    const versions = new Set<string>();
    const write = async (kind: "text" | "random", size: number, seed: string) => {
      const data = versionContent(kind, size, seed);
      versions.add(sha256(data));
      await fs.put(fromBytes(data), { remote: "f", size, modTime: new Date() });
    };
    await write("text", 3 * MiB, "v0");
    const random = seededRandom(20_261_126);
    const outcomes = new Set<string>();
    let previousSize = 3 * MiB;
    for (let trial = 0; trial < TRIALS; trial++) {
      const kind = random() < 0.5 ? "text" : "random";
      // Half the overwrites keep the size, so the data object keeps its name.
      const size = random() < 0.5 ? previousSize : MiB + Math.floor(random() * 3 * MiB);
      const seed = `t${trial}`;
      versions.add(sha256(versionContent(kind, size, seed)));
      const killAt = 1 + Math.floor(random() * size);
      // After the last piece the commit's slowed steps take about 100 ms: the delay reaches past them.
      const extra = Math.floor(random() * 150);
      const { output } = await killMidUpload(FIXTURE, [dir, "f", kind, String(size), seed], killAt, extra);
      expect(output.err, `trial ${trial}`).toBe("");

      const listed = await fs.list("");
      for (const e of listed) {
        if (e.kind !== "file") continue;
        const data = await toBytes(await e.open());
        expect(data.length, `trial ${trial}: ${e.remote}`).toBe(e.size);
        expect(versions.has(sha256(data)), `trial ${trial}: ${e.remote} is a version written`).toBe(true);
      }
      // Never hidden: an overwrite that reuses the data name holds the previous data aside first.
      const f = listed.find((e) => e.remote === "f");
      expect(f?.kind, `trial ${trial}: f is listed`).toBe("file");
      outcomes.add(output.out.includes("done\n") ? "done" : "listed");
      previousSize = (f as { size: number }).size;
    }
    // The kills spread over the upload: some left the file listed mid-way, some after the commit.
    expect([...outcomes].sort()).toContain("listed");

    // A completed write: the current data is then at its data name, not held (test/integrity/compress-crash
    // checks cleanup of held data).
    await write("text", previousSize, "final");

    // cleanup removes what the kills left (temporary, orphaned and superseded data objects, local
    // partial files) and keeps the current version; --dry-run only names the data objects.
    const current = await fs.newObject("f");
    const content = sha256(await toBytes(await current.open()));
    // The final write was text: its data object is compressed.
    const keep = ["f.json", `f.${encodeSize(current.size)}.gz`];
    const before = readdirSync(dir).sort();
    const leftovers = before.filter((n) => !keep.includes(n) && !n.startsWith(".strata-"));
    expect(leftovers.length).toBeGreaterThan(0);
    const dry = await strata(["cleanup", "--dry-run", `:compress,remote=${dir}:`]);
    expect(dry.code, dry.stderr).toBe(0);
    for (const n of leftovers) expect(dry.stderr).toContain(`${n}: Skipped remove leftover data object`);
    expect(readdirSync(dir).sort()).toEqual(before);
    const res = await strata(["cleanup", `:compress,remote=${dir}:`]);
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(keep.sort());
    expect(sha256(await toBytes(await (await fs.newObject("f")).open()))).toBe(content);
  }, 120_000);
});
