/**
 * A local upload killed with SIGKILL (no finally blocks, no cleanup) must leave the real names as they
 * were: at most hidden `.strata-*.partial` files, which listings skip and `cleanUp` removes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { removeStackTemps, tempDir } from "./stacks.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURE = fileURLToPath(new URL("./fixtures/slow-put.ts", import.meta.url));
const TOTAL = 50 * 1024 * 1024;
const PARTIAL = /^\.strata-[0-9a-f]{12}\.partial$/;

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Every file on disk under `dir`, relative, with `/` separators. */
function filesOnDisk(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((d) => {
    const rel = prefix === "" ? d.name : `${prefix}/${d.name}`;
    return d.isDirectory() ? filesOnDisk(dir, rel) : [rel];
  });
}

/** Resolves once the child reports `minBytes` written; rejects if it exits or stalls first. */
function waitForProgress(child: ChildProcess, minBytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    let started = false;
    const timer = setTimeout(
      () => reject(new Error(`child made no progress; stdout:\n${out}\nstderr:\n${err}`)),
      20_000,
    );
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      started ||= out.includes("started\n");
      const last = [...out.matchAll(/written (\d+)\n/g)].at(-1);
      if (started && last && Number(last[1]) >= minBytes) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited early (${code ?? signal}); stdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

afterAll(removeStackTemps);

describe("local: upload killed with SIGKILL", () => {
  it("keeps the previous version, creates no final name, and leaves only partials that cleanUp removes", async () => {
    const dir = tempDir("strata-kill-");
    const fs = await newFs(dir, createContext());
    const old = randomBytes(10_000);
    await fs.put(fromBytes(old), { remote: "old.bin", size: old.length, modTime: new Date() });

    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, dir, String(TOTAL), "old.bin", "sub/new.bin"], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    try {
      await waitForProgress(child, 1024 * 1024);
      // The bytes must be on disk under temporary names, or the kill proves nothing.
      const partialsBefore = filesOnDisk(dir).filter((f) => PARTIAL.test(f.split("/").at(-1) as string));
      expect(partialsBefore.length).toBe(2);
    } finally {
      child.kill("SIGKILL");
    }
    expect(await exited).toBe("SIGKILL");

    expect((await fs.list("")).map((e) => [e.remote, e.kind]).sort()).toEqual([
      ["old.bin", "file"],
      ["sub", "dir"],
    ]);
    expect(await fs.list("sub")).toEqual([]);
    const kept = await fs.newObject("old.bin");
    expect(kept.size).toBe(old.length);
    expect(sha256(await toBytes(await kept.open()))).toBe(sha256(old));

    const leftovers = filesOnDisk(dir).filter((f) => f !== "old.bin");
    expect(leftovers.length).toBe(2);
    for (const f of leftovers) expect(f.split("/").at(-1)).toMatch(PARTIAL);

    const cleanUp = fs.features.cleanUp;
    expect(cleanUp).toBeTypeOf("function");
    await (cleanUp as NonNullable<typeof cleanUp>)();
    expect(filesOnDisk(dir)).toEqual(["old.bin"]);
    expect(sha256(await toBytes(await (await fs.newObject("old.bin")).open()))).toBe(sha256(old));
  });
});
