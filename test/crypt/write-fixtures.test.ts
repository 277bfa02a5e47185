/**
 * Writing what rclone 1.60 must read: plain/ written through strata's crypt with each case's options
 * must store exactly rclone's names and sizes, encrypt names as rclone's name_map says, and pass the
 * real rclone's cryptcheck / check --download and cryptdecode.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import { cryptFsOf } from "../../src/overlays/crypt/fs.js";
import { connectionFor, dirsUnder, FIXTURES, filesUnder, removeTemps, tempDir } from "../chunker/fixtures.js";
import { CRYPT_CASES, loadCryptCase } from "./cases.js";

afterAll(removeTemps);

const rclone = (args: string[]) =>
  spawnSync("rclone", args, { cwd: FIXTURES, encoding: "utf8", env: { ...process.env, RCLONE_CONFIG: "/dev/null" } });

for (const id of CRYPT_CASES) {
  describe(`writes ${id}`, () => {
    const c = loadCryptCase(id);
    const out = tempDir("strata-crypt-");
    const stored = join(FIXTURES, "cases", id, "stored");
    const excluded = new Set(c.excluded.map((e) => e.path));
    let fs: Fs;

    it("writes plain/ through the case's stack", async () => {
      fs = await newFs(connectionFor(c, out), createContext());
      const mtime = new Date(c.plain_mtime);
      for (const f of c.files.filter((x) => !excluded.has(x.path))) {
        const data = readFileSync(join(FIXTURES, "plain", f.path));
        const o = await fs.put(fromBytes(data, 4096), { remote: f.path, size: data.length, modTime: mtime });
        expect(o.size).toBe(f.size);
      }
      for (const e of c.empty_dirs) await fs.mkdir(e.plain);
    });

    it("stores rclone's names and sizes", () => {
      const want = filesUnder(stored);
      expect(filesUnder(out)).toEqual(want);
      for (const f of want) expect(statSync(join(out, f)).size, f).toBe(statSync(join(stored, f)).size);
      for (const e of c.empty_dirs) expect(dirsUnder(out)).toContain(e.stored_as);
    });

    it.runIf(c.name_map.files.some((f) => f.plain !== undefined))("encrypts names as rclone's name_map", () => {
      const crypt = cryptFsOf(fs);
      expect(crypt).toBeDefined();
      for (const f of c.name_map.files) expect(crypt?.names.encryptFile(f.plain), f.plain).toBe(f.stored);
    });

    it("passes rclone's own checks", () => {
      for (const v of c.verified_by) {
        const argv = v.argv.slice(1).map((a) => (a.startsWith(":") ? connectionFor(c, out) : a));
        const r = rclone(argv);
        expect(r.status, `${argv.join(" ")}\n${r.stderr}`).toBe(0);
        expect(r.stderr).toContain("0 differences found");
      }
    });

    it.runIf(c.stack[0]?.type === "crypt")("decodes with rclone cryptdecode", () => {
      const sample = c.name_map.files.slice(0, 10);
      const r = rclone(["cryptdecode", connectionFor(c, out), "--", ...sample.map((f) => f.stored)]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(sample.map((f) => `${f.stored} \t ${f.plain}\n`).join(""));
    });
  });
}
