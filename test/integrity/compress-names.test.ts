/**
 * Wrapped names that decode to `.` or `..` (`..bin`, `...<SIZE11>.gz`, with their `.json`): listings
 * skip them with a notice naming the wrapped object, through the library and `lsjson`, so no entry
 * called `.` or `..` ever reaches a sync or a mount.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { formatLogLine, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { encodeSize } from "../../src/overlays/compress/names.js";
import { makeTree, removeTree, strata } from "../commands/run-cli.js";

const MTIME = new Date("2025-08-08T08:08:08Z");
const META = '{"Mode":0,"Size":3,"MD5":"","MimeType":"text/plain","CompressionMetadata":null}';
const lines: string[] = [];
const dirs: string[] = [];
afterEach(() => {
  lines.length = 0;
});
afterAll(() => {
  for (const d of dirs.splice(0)) removeTree(d);
});

/** A local compress tree with a good file `ok` and the wrapped objects of files named `.` and `..`. */
async function tree(): Promise<string> {
  const dir = makeTree({});
  dirs.push(dir);
  const fs = await newFs(`:compress,remote=${dir}:`, createContext());
  await fs.put(fromBytes(Buffer.from("abc")), { remote: "ok", size: 3, modTime: MTIME });
  writeFileSync(join(dir, "..bin"), "abc");
  writeFileSync(join(dir, "..json"), META);
  writeFileSync(join(dir, `...${encodeSize(3)}.gz`), "abc");
  writeFileSync(join(dir, "...json"), META);
  return dir;
}

describe("compress: names that decode to . or ..", () => {
  it("are skipped from listings with a notice naming the wrapped object", async () => {
    const dir = await tree();
    setLogSink((entry) => lines.push(formatLogLine(entry)));
    const fs = await newFs(`:compress,remote=${dir}:`, createContext());
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["ok"]);
    expect(lines.some((l) => l.includes('NOTICE: ..bin: data object decodes to an unusable name (name ".")'))).toBe(
      true,
    );
    expect(
      lines.some((l) => l.includes(`NOTICE: ...${encodeSize(3)}.gz: data object decodes to an unusable name`)),
    ).toBe(true);
  });

  it("lsjson shows neither", async () => {
    const dir = await tree();
    const res = await strata(["lsjson", `:compress,remote=${dir}:`]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).map((e: { Path: string }) => e.Path)).toEqual(["ok"]);
  });
});
