/**
 * Write-back: retries against injected faults, files renamed or removed while their upload waits or
 * runs, and crash recovery from the journal (a Vfs dropped without close, then opened again).
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { CountingFs } from "../../src/fs/layers/counting.js";
import { FaultFs } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { stateDirOf } from "../../src/vfs/cache.js";
import { openVfs, type Vfs, type VfsOptions } from "../../src/vfs/index.js";
import { flags, newTemp, seededBytes, writeFile } from "./helpers.js";

const opened: Vfs[] = [];
afterEach(async () => {
  for (const v of opened.splice(0)) await v.close();
});

async function vfsOver(fs: Fs, options: Partial<VfsOptions>): Promise<Vfs> {
  const vfs = await openVfs(fs, { cacheMode: "writes", writeBack: 0, uploadRetryDelay: 1, ...options });
  opened.push(vfs);
  return vfs;
}

const memory = (name: string) => newFs(`:memory:${name}`, createContext());
const newName = () => `vfs-wb-${randomBytes(6).toString("hex")}`;

async function content(fs: Fs, path: string): Promise<Buffer> {
  return Buffer.from(await toBytes(await (await fs.newObject(path)).open()));
}

/** The names at the root of `fs` (none when the root was never made). */
async function names(fs: Fs): Promise<string[]> {
  const entries = await fs.list("").catch(() => []);
  return entries.map((e) => e.remote);
}

/** A remote whose uploads never finish: what a process sees while the network is gone. */
function stuck(fs: Fs): FaultFs {
  return new FaultFs(fs, { rules: [{ ops: ["put", "putStream", "copy"], latencyMs: 1e9 }] });
}

describe("write-back", () => {
  it("retries failed uploads with back-off until they go through", async () => {
    const fs = await memory(newName());
    const faulty = new FaultFs(fs, { seed: 7, rules: [{ ops: ["put"], fail: "transient", times: 3 }] });
    const vfs = await vfsOver(faulty, { cacheDir: newTemp() });
    await writeFile(vfs, "f", seededBytes(10_000, 1));
    await vfs.sync();
    expect(faulty.log).toHaveLength(3);
    expect((await content(fs, "f")).equals(seededBytes(10_000, 1))).toBe(true);
  });

  it("gives up after repeated permanent failures, keeping the file for the next start", async () => {
    const name = newName();
    const cacheDir = newTemp();
    const failing = new FaultFs(await memory(name), { rules: [{ ops: ["put"], fail: "permanent" }] });
    const vfs = await openVfs(failing, { cacheMode: "writes", writeBack: 0, uploadRetryDelay: 1, cacheDir });
    await writeFile(vfs, "kept", seededBytes(500, 2));
    await vfs.sync();
    expect(failing.log).toHaveLength(10);
    await vfs.close();
    const fs = await memory(name);
    const again = await vfsOver(fs, { cacheDir });
    await again.sync();
    expect((await content(fs, "kept")).equals(seededBytes(500, 2))).toBe(true);
  });

  it("close tries an upload waiting out a long back-off once more, and leaves it journalled if it fails", async () => {
    const name = newName();
    const cacheDir = newTemp();
    const failing = new FaultFs(await memory(name), { rules: [{ ops: ["put"], fail: "transient" }] });
    const vfs = await openVfs(failing, { cacheMode: "writes", writeBack: 0, uploadRetryDelay: 3_600_000, cacheDir });
    await writeFile(vfs, "later", seededBytes(300, 20));
    while (failing.log.length === 0) await new Promise((r) => setTimeout(r, 5));
    await vfs.close();
    expect(failing.log).toHaveLength(2);
    const fs = await memory(name);
    const again = await vfsOver(fs, { cacheDir });
    await again.sync();
    expect((await content(fs, "later")).equals(seededBytes(300, 20))).toBe(true);
  });

  it("uploads a file renamed while its upload waits under the new name only", async () => {
    const fs = await memory(newName());
    const vfs = await vfsOver(fs, { cacheDir: newTemp(), writeBack: 60_000 });
    await writeFile(vfs, "old", seededBytes(2000, 3));
    await vfs.mkdir("d");
    await vfs.rename("old", "d/new");
    await vfs.sync();
    expect(await names(fs)).toEqual(["d"]);
    expect((await content(fs, "d/new")).equals(seededBytes(2000, 3))).toBe(true);
  });

  it("leaves nothing behind of a file renamed while it uploads", async () => {
    const fs = await memory(newName());
    const slow = new FaultFs(fs, { rules: [{ ops: ["put"], latencyMs: 100, times: 1 }] });
    const vfs = await vfsOver(slow, { cacheDir: newTemp() });
    await writeFile(vfs, "moving", seededBytes(3000, 4));
    while (slow.log.length === 0) await new Promise((r) => setTimeout(r, 5));
    await vfs.rename("moving", "moved");
    await vfs.sync();
    expect(await names(fs)).toEqual(["moved"]);
    expect((await content(fs, "moved")).equals(seededBytes(3000, 4))).toBe(true);
  });

  it("never uploads a file removed while its upload waits or runs", async () => {
    const fs = await memory(newName());
    const slow = new FaultFs(fs, { rules: [{ ops: ["put"], latencyMs: 100, path: "running" }] });
    const vfs = await vfsOver(slow, { cacheDir: newTemp() });
    await writeFile(vfs, "running", seededBytes(100, 5));
    while (slow.log.length === 0) await new Promise((r) => setTimeout(r, 5));
    await vfs.unlink("running");
    const waiting = await vfsOver(fs, { cacheDir: newTemp(), writeBack: 60_000 });
    await writeFile(waiting, "waiting", seededBytes(100, 6));
    await waiting.unlink("waiting");
    await vfs.sync();
    await waiting.sync();
    expect(await names(fs)).toEqual([]);
  });

  it("neither uploads nor journals a file unlinked while its close is being made durable", async () => {
    const fs = new CountingFs(await memory(newName()));
    const cacheDir = newTemp();
    const vfs = await vfsOver(fs, { cacheDir });
    const handle = await vfs.open("gone", flags("write", "create"));
    await handle.write(0, seededBytes(5000, 7));
    // The unlink comes while release waits for its fsync.
    const closing = handle.release();
    await new Promise((r) => setImmediate(r));
    await vfs.unlink("gone");
    await closing;
    await vfs.sync();
    await vfs.close();
    const again = await vfsOver(fs, { cacheDir });
    await again.sync();
    expect(fs.count("put") + fs.count("putStream")).toBe(0);
    expect(await names(fs)).toEqual([]);
  });
});

describe("crash recovery", () => {
  it("uploads every file closed before the crash, whole, and nothing of a file never closed", async () => {
    const name = newName();
    const cacheDir = newTemp();
    const lost = await openVfs(stuck(await memory(name)), { cacheMode: "writes", writeBack: 0, cacheDir });
    const files = new Map([
      ["a.bin", seededBytes(300_000, 10)],
      ["empty", new Uint8Array(0)],
      ["dir/b.bin", seededBytes(5000, 11)],
    ]);
    await lost.mkdir("dir");
    for (const [path, data] of files) await writeFile(lost, path, data, 65536);
    const open = await lost.open("never-closed", flags("write", "create"));
    await open.write(0, seededBytes(1000, 12));
    // A closed file rewritten in part when the process dies: the acknowledged version must survive.
    const rewrite = await lost.open("a.bin", flags("read", "write"));
    await rewrite.write(10, seededBytes(50, 13));
    // `lost` is dropped here without close or release, as a killed process would leave it.

    const fs = await memory(name);
    const vfs = await vfsOver(fs, { cacheDir });
    await vfs.sync();
    for (const [path, data] of files) expect((await content(fs, path)).equals(Buffer.from(data))).toBe(true);
    await expect(fs.newObject("never-closed")).rejects.toMatchObject({ code: "ObjectNotFound" });
    expect(readdirSync(join(stateDirOf(cacheDir, fs), "files")).length).toBeLessThanOrEqual(files.size);
  });

  it("ignores a journal record torn by the crash", async () => {
    const name = newName();
    const cacheDir = newTemp();
    const lost = await openVfs(stuck(await memory(name)), { cacheMode: "writes", writeBack: 0, cacheDir });
    await writeFile(lost, "whole", seededBytes(100, 14));
    const fs = await memory(name);
    appendFileSync(join(stateDirOf(cacheDir, fs), "journal"), '{"op":"put","id":"abc","pa');
    const vfs = await vfsOver(fs, { cacheDir });
    await vfs.sync();
    expect((await content(fs, "whole")).equals(seededBytes(100, 14))).toBe(true);
  });
});
