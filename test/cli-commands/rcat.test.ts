/** rcat: how each remote takes stdin (from memory, putStream, or spooled), and the CLI next to rclone's. */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryFs } from "../../src/backends/memory/fs.js";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { rcat } from "../../src/fs/operations/rcat.js";
import { hasRclone, makeTree, rclone, removeTree, strata, stripStamps } from "../commands/run-cli.js";

let seq = 0;
const memory = (disable: string[] = []) =>
  new CountingFs(new MemoryFs(":memory", `rcat-${process.pid}-${seq++}`), disable);
const data = randomBytes(300 * 1024);

describe("rcat into a remote", () => {
  it("puts input that ends within the cutoff from memory, with its size", async () => {
    const fs = memory();
    const stored = await rcat(fs, "small", fromBytes(data.subarray(0, 1000), 100));
    expect(stored?.size).toBe(1000);
    expect([fs.count("put"), fs.count("putStream")]).toEqual([1, 0]);
  });

  it("streams longer input with putStream where the remote has it", async () => {
    const fs = memory();
    await rcat(fs, "big", fromBytes(data, 4096), { cutoff: 8192 });
    expect([fs.count("put"), fs.count("putStream")]).toEqual([0, 1]);
    expect(Buffer.from(await toBytes(await (await fs.newObject("big")).open()))).toEqual(data);
  });

  it("spools longer input to a local file where the remote cannot stream, then puts it with its size", async () => {
    const fs = memory(["putStream"]);
    expect(fs.features.putStream).toBeUndefined();
    const stored = await rcat(fs, "big", fromBytes(data, 4096), { cutoff: 8192 });
    expect(stored?.size).toBe(data.length);
    expect([fs.count("put"), fs.bytesWritten]).toEqual([1, data.length]);
    expect(Buffer.from(await toBytes(await (await fs.newObject("big")).open()))).toEqual(data);
  });

  it("puts straight away with a --size, and refuses input of another length", async () => {
    const fs = memory();
    await rcat(fs, "sized", fromBytes(data, 4096), { size: data.length, cutoff: 8192 });
    expect([fs.count("put"), fs.count("putStream")]).toEqual([1, 0]);
    await expect(rcat(fs, "short", fromBytes(data.subarray(0, 10)), { size: 20 })).rejects.toThrow();
    await expect(fs.newObject("short")).rejects.toMatchObject({ code: "ObjectNotFound" });
  });

  it("reads and drops the input on a dry run", async () => {
    const fs = memory();
    expect(await rcat(fs, "x", fromBytes(data), { dryRun: true })).toBeUndefined();
    expect(fs.count("put") + fs.count("putStream")).toBe(0);
  });
});

describe("strata rcat", () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({});
  });
  afterAll(() => removeTree(root));

  it("writes stdin to the file, creating directories, as rclone does", async () => {
    const r = await strata(["rcat", join(root, "s/sub/f.bin")], { input: data });
    expect(r).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(readFileSync(join(root, "s/sub/f.bin"))).toEqual(data);
    if (hasRclone) {
      expect((await rclone(["rcat", join(root, "r/sub/f.bin")], { input: data })).code).toBe(0);
      expect(readFileSync(join(root, "r/sub/f.bin"))).toEqual(readFileSync(join(root, "s/sub/f.bin")));
    }
    const sized = await strata(["rcat", "--size", "5", join(root, "sized.txt")], { input: "hello" });
    expect(sized.code).toBe(0);
    expect(readFileSync(join(root, "sized.txt"), "utf8")).toBe("hello");
  });

  it("refuses a terminal (here /dev/null, a character device) on stdin with exit 1", async () => {
    const r = await strata(["rcat", join(root, "none")]);
    expect(r.code).toBe(1);
    expect(stripStamps(r.stderr)).toBe("Failed to rcat: nothing to read from standard input (stdin).\n");
    if (hasRclone) expect((await rclone(["rcat", join(root, "none")])).code).toBe(1);
    expect(existsSync(join(root, "none"))).toBe(false);
  });

  it("writes nothing with --dry-run", async () => {
    const r = await strata(["rcat", "--dry-run", join(root, "dry")], { input: "x" });
    expect(r.code).toBe(0);
    expect(stripStamps(r.stderr)).toBe("NOTICE: dry: Skipped upload from pipe as --dry-run is set\n");
    expect(existsSync(join(root, "dry"))).toBe(false);
  });
});
