/**
 * Writing what rclone 1.60 must read: plain/ written through strata's chunker with each case's options
 * must give the layout of reverse/<id>.json (names, sizes, deterministic bytes), and the real rclone
 * must find 0 differences between plain/ and what was written.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { parseMeta } from "../../src/overlays/chunker/meta.js";
import {
  CHUNKER_CASES,
  connectionFor,
  dirsUnder,
  FIXTURES,
  filesUnder,
  loadCase,
  loadReverse,
  removeTemps,
  type StoredRef,
  tempDir,
} from "./fixtures.js";

afterAll(removeTemps);

const RCLONE = "/usr/bin/rclone";
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

for (const id of CHUNKER_CASES) {
  describe(`writes ${id}`, () => {
    const c = loadCase(id);
    const rev = loadReverse(id);
    const out = tempDir();

    it("writes plain/ through the chunker with the case's options", async () => {
      const fs = await newFs(connectionFor(c, out), createContext());
      const mtime = new Date(c.plain_mtime);
      for (const f of c.files) {
        const data = readFileSync(join(FIXTURES, "plain", f.path));
        const o = await fs.put(fromBytes(data, 4096), { remote: f.path, size: data.length, modTime: mtime });
        expect(o.size).toBe(f.size);
      }
      for (const e of c.empty_dirs) await fs.mkdir(e.plain);
    });

    it("stores exactly the layout of reverse/<id>.json, byte for byte where deterministic", () => {
      const written = new Set(filesUnder(out));
      const matched = new Set<string>();
      const exact = (role: string) => rev.bytes_on_rewrite_by_role[role] === "exact";
      for (const f of rev.layout.files) {
        let txn: string | undefined;
        const find = (ref: StoredRef): string => {
          if (ref.stored !== undefined) {
            expect(written.has(ref.stored), `${ref.stored} written`).toBe(true);
            return ref.stored;
          }
          const pattern = new RegExp(
            `^${escapeRegex(ref.stored_pattern as string).replace("\\{txn\\}", txn ?? "([0-9a-z]{4,9})")}$`,
          );
          const hits = [...written].filter((w) => pattern.test(w));
          expect(hits, `one name for ${ref.stored_pattern}`).toHaveLength(1);
          const hit = hits[0] as string;
          txn ??= pattern.exec(hit)?.[1];
          return hit;
        };
        const check = (ref: StoredRef, role: string) => {
          const name = find(ref);
          matched.add(name);
          const bytes = readFileSync(join(out, name));
          expect(bytes.length, name).toBe(ref.size);
          const varies = ref.json_fields_that_vary ?? [];
          if (ref.json) {
            const parsed = parseMeta(bytes);
            expect(parsed.status, name).toBe("valid");
            const got = { ...(parsed.status === "valid" ? parsed.meta : {}) } as Record<string, unknown>;
            for (const k of varies) delete got[k];
            const want = { ...ref.json };
            for (const k of varies) delete want[k];
            expect(got, name).toEqual(want);
            if (varies.includes("txn")) expect((parseMeta(bytes) as { meta: { txn: string } }).meta.txn).toBe(txn);
          }
          if (exact(role) && ref.sha256 && varies.length === 0) expect(sha256(bytes), name).toBe(ref.sha256);
        };
        for (const ch of f.chunks ?? []) check(ch, "chunk");
        if (f.whole) check(f.whole, "whole");
        if (f.meta) check(f.meta, "meta");
      }
      expect(
        [...written].filter((w) => !matched.has(w)),
        "no other files",
      ).toEqual([]);
      for (const d of rev.layout.dirs) expect(statSync(join(out, d.stored)).isDirectory(), d.stored).toBe(true);
      expect(dirsUnder(out)).toEqual(rev.layout.dirs.map((d) => d.stored).sort());
    });

    it.runIf(existsSync(RCLONE))("is read by the real rclone: check finds 0 differences", () => {
      const config = join(tempDir(), "rclone.conf");
      writeFileSync(config, "");
      for (const v of c.verified_by) {
        const argv = v.argv.map((a) => (a === c.connection_string ? connectionFor(c, out) : a));
        expect(argv).not.toEqual(v.argv);
        const r = spawnSync(RCLONE, argv.slice(1), {
          cwd: FIXTURES,
          env: { ...process.env, RCLONE_CONFIG: config },
          encoding: "utf8",
        });
        const output = `${r.stdout}${r.stderr}`;
        expect(r.status, `${argv.join(" ")}\n${output}`).toBe(0);
        expect(output).toContain("0 differences found");
        expect(output).toContain(`${c.files.length} matching files`);
      }
    });
  });
}

describe("rclone reads strata's streamed uploads and overwrites", () => {
  it.runIf(existsSync(RCLONE))("lists sizes and md5s as written, with no leftovers", async () => {
    const out = tempDir();
    const spec = `:chunker,remote=${out},chunk_size=1000b`;
    const fs = await newFs(`${spec}:`, createContext());
    const data = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) % 256);
    const modTime = new Date(Date.UTC(2022, 9, 21));
    const putStream = fs.features.putStream as NonNullable<typeof fs.features.putStream>;
    const files: Record<string, Uint8Array> = {
      "streamed-exact.bin": data(3000, 1),
      "streamed-odd.bin": data(2345, 2),
      "over.bin": data(1500, 4),
      "lookalike.json": new TextEncoder().encode('{"ver":1,"size":1,"nchunks":1}'),
    };
    await putStream(fromBytes(files["streamed-exact.bin"] as Uint8Array, 700), {
      remote: "streamed-exact.bin",
      size: -1,
      modTime,
    });
    await putStream(fromBytes(files["streamed-odd.bin"] as Uint8Array, 999), {
      remote: "streamed-odd.bin",
      size: -1,
      modTime,
    });
    await fs.put(fromBytes(data(6500, 3)), { remote: "over.bin", size: 6500, modTime });
    await fs.put(fromBytes(files["over.bin"] as Uint8Array), { remote: "over.bin", size: 1500, modTime });
    const json = files["lookalike.json"] as Uint8Array;
    await fs.put(fromBytes(json), { remote: "lookalike.json", size: json.length, modTime });
    const config = join(tempDir(), "rclone.conf");
    writeFileSync(config, "");
    const r = spawnSync(RCLONE, ["md5sum", `${spec}:`], {
      env: { ...process.env, RCLONE_CONFIG: config },
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    const got = r.stdout
      .trim()
      .split("\n")
      .map((l) => l.split(/ {2}/).reverse())
      .sort();
    const want = Object.entries(files)
      .map(([name, b]) => [name, createHash("md5").update(b).digest("hex")])
      .sort();
    expect(got).toEqual(want);
    expect(filesUnder(out)).toEqual([
      "lookalike.json",
      "lookalike.json.rclone_chunk.001",
      "over.bin",
      "over.bin.rclone_chunk.001",
      "over.bin.rclone_chunk.002",
      "streamed-exact.bin",
      "streamed-exact.bin.rclone_chunk.001",
      "streamed-exact.bin.rclone_chunk.002",
      "streamed-exact.bin.rclone_chunk.003",
      "streamed-odd.bin",
      "streamed-odd.bin.rclone_chunk.001",
      "streamed-odd.bin.rclone_chunk.002",
      "streamed-odd.bin.rclone_chunk.003",
    ]);
  });
});
