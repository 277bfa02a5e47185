/**
 * Chunker uploads killed with SIGKILL (no finally blocks run) over a previous version: the listing
 * never shows a partial file, the previous version stays readable, and `cleanup` removes every
 * leftover temporary chunk. Also: what `cleanUp` keeps (norename chunks, control chunks, user files).
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { isFsError } from "../../src/fs/errors.js";
import { formatLogLine, setLogLevel, setLogSink } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { cleanUp } from "../../src/fs/operations/cleanup.js";
import { strata } from "../commands/run-cli.js";
import { killMidUpload } from "../kill-child.js";
import { tempDirs } from "../temp-dirs.js";
import { seededBytes, seededRandom } from "./fixtures/seeded.js";
import { filesUnder } from "./fixtures.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/slow-chunker-put.ts", import.meta.url));
const MiB = 1024 * 1024;
const TOTAL = 50 * MiB;
const TRIALS = 24;
/** A temporary chunk name: a txn suffix or the legacy `..tmp_` one. */
const TEMP = /\.rclone_chunk\.[0-9]{3,}(?:_[0-9a-z]{4,9}|\.\.tmp_[0-9]{10,13})$/;
const PARTIAL = /^\.strata-[0-9a-f]{12}\.partial$/;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const tempDir = tempDirs("strata-ck-kill-");

describe("chunker: uploads killed with SIGKILL", () => {
  it(`keeps the previous version through ${TRIALS} kills, and cleanup removes every leftover`, async () => {
    const dir = tempDir();
    const spec = `:chunker,remote=${dir},chunk_size=1M:`;
    const ctx = createContext();
    const fs = await newFs(spec, ctx);
    const old = seededBytes("previous", 3 * MiB + 12_345);
    await fs.put(fromBytes(old), { remote: "big.bin", size: old.length, modTime: new Date() });
    const oldFiles = filesUnder(dir);
    expect(oldFiles).toEqual([
      "big.bin",
      "big.bin.rclone_chunk.001",
      "big.bin.rclone_chunk.002",
      "big.bin.rclone_chunk.003",
      "big.bin.rclone_chunk.004",
    ]);

    const random = seededRandom(20_261_125);
    let temps = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      // Kill after 2..44 MiB were taken, plus 0..9 ms: always before the last chunk and the commit.
      const killAt = 2 * MiB + Math.floor(random() * 42 * MiB);
      const extra = Math.floor(random() * 10);
      const { output, signal } = await killMidUpload(
        FIXTURE,
        [dir, String(TOTAL), "big.bin", `new-${trial}`],
        killAt,
        extra,
      );
      expect(signal).toBe("SIGKILL");
      expect(output.out).not.toContain("done");

      // The killed upload left temporary chunks on disk, or the kill proved nothing.
      const now = filesUnder(dir);
      const tempNow = now.filter((f) => TEMP.test(f)).length;
      expect(tempNow, `trial ${trial}`).toBeGreaterThan(temps);
      temps = tempNow;
      for (const f of now) expect(oldFiles.includes(f) || TEMP.test(f) || PARTIAL.test(f), f).toBe(true);

      const listed = (await fs.list("")).map((e) => [e.remote, e.kind === "file" ? e.size : -1]);
      expect(listed, `trial ${trial}`).toEqual([["big.bin", old.length]]);
      const kept = await fs.newObject("big.bin");
      expect(sha256(await toBytes(await kept.open()))).toBe(sha256(old));
    }

    const leftovers = filesUnder(dir).filter((f) => !oldFiles.includes(f));
    const dry = await strata(["cleanup", "--dry-run", spec]);
    expect(dry.code, dry.stderr).toBe(0);
    for (const f of leftovers.filter((l) => TEMP.test(l))) {
      expect(dry.stderr).toContain(`${f}: Skipped remove leftover chunk as --dry-run is set`);
    }
    expect(filesUnder(dir)).toEqual([...oldFiles, ...leftovers].sort());

    const res = await strata(["cleanup", "-v", spec]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.match(/Removed leftover chunk/g)?.length).toBe(temps);
    expect(filesUnder(dir)).toEqual(oldFiles);
    const kept = await fs.newObject("big.bin");
    expect(sha256(await toBytes(await kept.open()))).toBe(sha256(old));
  });
});

describe("chunker: cleanUp", () => {
  const lines: string[] = [];
  afterEach(() => {
    setLogLevel("NOTICE");
    lines.length = 0;
  });

  it("keeps a norename file's current chunks, control chunks and user files; honours dryRun", async () => {
    const dir = tempDir();
    const ctx = createContext();
    const norename = await newFs(`:chunker,remote=${dir},chunk_size=1000b,transactions=norename:`, ctx);
    const data = seededBytes("norename", 2500);
    await norename.put(fromBytes(data), { remote: "keep.bin", size: data.length, modTime: new Date() });
    const kept = filesUnder(dir);
    expect(kept.filter((f) => f.startsWith("keep.bin.rclone_chunk.")).length).toBe(3);
    const stray = [
      "keep.bin.rclone_chunk.001_zz99aa",
      "gone.bin.rclone_chunk.002..tmp_1234567890",
      "sub/x.bin.rclone_chunk.001_abcd12",
      "sub/deeper/y.rclone_chunk._ctrl_0de0ia",
    ];
    const other = ["keep.bin.rclone_chunk._ctrl", "notes_abcdef", "sub/x.bin"];
    mkdirSync(join(dir, "sub/deeper"), { recursive: true });
    for (const f of [...stray, ...other]) writeFileSync(join(dir, f), "x");
    const before = filesUnder(dir);

    setLogLevel("INFO");
    setLogSink((entry) => lines.push(formatLogLine(entry)));
    // A rename-mode remote over the same directory must keep the norename file's chunks too.
    const fs = await newFs(`:chunker,remote=${dir},chunk_size=1000b:`, ctx);
    await cleanUp(fs, { dryRun: true });
    expect(filesUnder(dir)).toEqual(before);
    for (const f of stray)
      expect(lines.some((l) => l.includes(`NOTICE: ${f}: Skipped remove leftover chunk`))).toBe(true);
    expect(lines.filter((l) => l.includes("leftover chunk")).length).toBe(stray.length);

    lines.length = 0;
    await cleanUp(fs);
    expect(filesUnder(dir)).toEqual([...kept, ...other].sort());
    for (const f of stray) expect(lines.some((l) => l.includes(`INFO  : ${f}: Removed leftover chunk`))).toBe(true);
    expect(sha256(await toBytes(await (await norename.newObject("keep.bin")).open()))).toBe(sha256(data));
  });

  it("calls the wrapped remote's cleanUp (local partials), and fails with NotImplemented without one", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, ".strata-0123456789ab.partial"), "x");
    await cleanUp(await newFs(`:chunker,remote=${dir}:`, createContext()));
    expect(filesUnder(dir)).toEqual([]);
    const err = await cleanUp(await newFs(":memory:x", createContext())).catch((e: unknown) => e);
    expect(isFsError(err, "NotImplemented")).toBe(true);
  });
});
