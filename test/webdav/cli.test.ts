/**
 * The CLI over webdav against its own Apache: a server killed in the middle of an upload and started
 * again is retried through (--low-level-retries), and a wrong password stops at once (exit 7).
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { strata } from "../commands/run-cli.js";
import { type ApacheServer, startApache } from "../servers/apache.js";
import { copyAcrossRestart } from "../servers/cut-copy.js";
import { tempDirs } from "../temp-dirs.js";
import { webdavRemote } from "./remote.js";

const tempDir = tempDirs("strata-webdav-cli-");
const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("strata over webdav (apache)", () => {
  let apache: ApacheServer;
  beforeAll(async () => {
    apache = await startApache("webdav-cli");
  });
  afterAll(async () => {
    await apache?.destroy();
  });

  it("retries an upload cut by a killed server once it is back, leaving one whole file", async () => {
    const dst = webdavRemote(apache, "retry");
    // Apache spools a PUT to a temporary file in the target directory: it is receiving once that appears.
    const { result, data } = await copyAcrossRestart(apache, tempDir(), dst, join(apache.dataDir, "retry"));
    expect(result.code, result.stderr).toBe(0);
    // The first attempt failed on the dead server, and a low-level retry finished the copy.
    expect(result.stderr).toMatch(/low level retry 1\/10/);
    const fs = await newFs(dst, createContext());
    expect((await fs.list("")).map((e) => e.remote)).toEqual(["big.bin"]);
    expect(sha256(await toBytes(await (await fs.newObject("big.bin")).open()))).toBe(sha256(data));
  });

  it("stops at the first answer to a wrong password, exit code 7", async () => {
    const started = Date.now();
    const result = await strata(["lsjson", webdavRemote(apache, "", { pass: "wrong" }), "-vv"]);
    expect(result.code, result.stderr).toBe(7);
    expect(result.stderr).toMatch(/authentication failed/);
    expect(result.stderr).not.toMatch(/retry/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
