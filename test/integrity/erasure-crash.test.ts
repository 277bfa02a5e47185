/**
 * Simulated kill -9 at every step of an erasure upload (test/integrity/crash.ts): over 4+2 with v1
 * stored, the upload of v2 is stopped before its Nth mutating call across the six upstreams, for
 * every N until it completes. A fresh overlay over what the upstreams hold must then read exactly
 * v1 or v2 (or fail with a typed error, never other bytes); `cleanup` must keep the last whole
 * version, which must read after it, and leave a tree `verify` finds readable.
 */
import { describe, expect, it } from "vitest";
import { fromBytes } from "../../src/fs/body.js";
import { LayerFs } from "../../src/fs/layers/layer.js";
import { setLogLevel } from "../../src/fs/log.js";
import { Layout } from "../../src/overlays/erasure/format.js";
import type { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { verifyErasure } from "../../src/overlays/erasure/verify.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";
import { tempDirs } from "../temp-dirs.js";
import { CrashFs, CrashPoint, isTypedReadError } from "./crash.js";
import {
  erasureSpec,
  memoryRemotes,
  openErasure,
  over,
  putFile,
  readFile,
  readShards,
  shardObject,
  writeShard,
} from "./erasure-shards.js";

setLogLevel("ERROR");
const tempDir = tempDirs("strata-ec-crash-");

/** An upstream without some server-side operations, so a commit takes the copy-and-remove path. */
class Without extends LayerFs {}

interface Variant {
  label: string;
  remotes: () => string[];
  /** Server-side operations the upstreams lose. */
  disable?: string[];
  /** Files written as v1 then v2 (a small sync), path → [v1, v2]. */
  files: Record<string, [Buffer, Buffer]>;
  /** Upload v2 with an unknown size (putStream). */
  stream?: boolean;
}

const pair = (name: string, a: number, b: number): [Buffer, Buffer] => [
  seededBytes(`${name} v1`, a),
  seededBytes(`${name} v2`, b),
];

const VARIANTS: Variant[] = [
  {
    label: "memory upstreams, server-side moves, two files",
    remotes: () => memoryRemotes(6),
    files: { "f.bin": pair("f", 3017, 4500), "sub/g.bin": pair("g", 999, 1) },
  },
  {
    label: "memory upstreams without server-side move or copy (commit = put + remove)",
    remotes: () => memoryRemotes(6),
    disable: ["move", "copy"],
    files: { "f.bin": pair("f", 2500, 2500) },
  },
  {
    label: "memory upstreams, v2 streamed with an unknown size",
    remotes: () => memoryRemotes(6),
    stream: true,
    files: { "f.bin": pair("f", 1800, 5321) },
  },
  {
    label: "local upstreams (rename)",
    remotes: () => Array.from({ length: 6 }, () => tempDir()),
    files: { "f.bin": pair("f", 4000, 3999) },
  },
];

type Outcome = "v1" | "v2" | "error";

/** What a fresh overlay reads for `remote`: exactly v1, exactly v2, or a typed error. */
async function outcome(spec: string, remote: string, [v1, v2]: [Buffer, Buffer], at: string): Promise<Outcome> {
  let got: Buffer;
  try {
    got = await readFile(await openErasure(spec), remote);
  } catch (err) {
    expect(isTypedReadError(err), `${at}: ${String(err)}`).toBe(true);
    return "error";
  }
  if (got.equals(v1)) return "v1";
  expect(got.equals(v2), `${at}: ${remote} reads as neither v1 nor v2 (${got.length} bytes)`).toBe(true);
  return "v2";
}

async function upload(fs: ErasureFs, remote: string, data: Buffer, stream: boolean): Promise<void> {
  if (!stream) {
    await putFile(fs, remote, data);
    return;
  }
  await fs.putStream(fromBytes(data, 1000), { remote, size: -1, modTime: new Date() });
}

describe("erasure 4+2: a kill at every mutating call of an upload", () => {
  for (const variant of VARIANTS) {
    it(variant.label, async () => {
      const files = Object.entries(variant.files);
      let points = 0;
      for (let n = 1; ; n++) {
        const at = `crash before mutating call ${n}`;
        const spec = erasureSpec(variant.remotes(), 4, "1000b");
        const raw = await openErasure(spec);
        for (const [remote, [v1]] of files) await putFile(raw, remote, v1);
        const point = new CrashPoint(n);
        const crashing = over(raw, (u) => new CrashFs(variant.disable ? new Without(u, variant.disable) : u, point));
        try {
          for (const [remote, [, v2]] of files) await upload(crashing, remote, v2, variant.stream === true);
        } catch (err) {
          expect(point.crashed, `${at}: ${String(err)}`).toBe(true);
        }
        const before = new Map<string, Outcome>();
        for (const [remote, versions] of files) before.set(remote, await outcome(spec, remote, versions, at));

        await (await openErasure(spec)).cleanUp();
        for (const [remote, versions] of files) {
          const after = await outcome(spec, remote, versions, `${at}, after cleanup`);
          expect(after, `${at}: ${remote} after cleanup (${point.done.join(", ")})`).not.toBe("error");
          if (before.get(remote) !== "error") expect(after, `${at}: ${remote}`).toBe(before.get(remote));
        }
        const report = await verifyErasure(await openErasure(spec));
        expect(report.unreadable, at).toEqual([]);
        if (!point.crashed) {
          for (const [remote] of files) expect(before.get(remote), `${remote} after a whole upload`).toBe("v2");
          break;
        }
        points++;
      }
      expect(points).toBeGreaterThanOrEqual(18);
    });
  }
});

describe("erasure cleanup and the last whole version", () => {
  it("keeps an older whole version while the newest one cannot be read, and removes it once it can", async () => {
    const spec = erasureSpec(memoryRemotes(6), 4, "1000b");
    const fs = await openErasure(spec);
    const [v1, v2] = pair("kept", 2200, 2600);
    await putFile(fs, "f.bin", v1);
    const old = await Promise.all(fs.upstreams.map((_, i) => shardObject(fs, "f.bin", i)));
    const oldBytes = await readShards(fs, "f.bin");
    await putFile(await openErasure(spec), "f.bin", v2);
    // v1 back beside v2, as a commit killed before it removed v1 leaves them.
    for (const [i, u] of fs.upstreams.entries()) {
      const obj = old[i] as (typeof old)[number];
      await u.put(fromBytes(oldBytes[i] as Buffer), { remote: obj.remote, size: obj.size, modTime: obj.modTime });
    }
    const fresh = await readShards(fs, "f.bin");
    const layout = new Layout(v2.length, 4, 1000);
    for (const i of [0, 2, 5]) {
      const bytes = Buffer.from(fresh[i] as Buffer);
      bytes[layout.pieceOffset(1) + 3] ^= 0x20;
      await writeShard(fs, "f.bin", i, bytes);
    }

    await (await openErasure(spec)).cleanUp();
    for (const [i, u] of fs.upstreams.entries()) {
      const names = (await u.list("")).map((e) => e.remote);
      expect(names, `upstream ${i}`).toContain(old[i]?.remote);
    }

    for (const i of [0, 2, 5]) await writeShard(fs, "f.bin", i, fresh[i] as Buffer);
    await (await openErasure(spec)).cleanUp();
    for (const u of fs.upstreams) expect((await u.list("")).map((e) => e.remote)).toHaveLength(1);
    expect((await readFile(await openErasure(spec), "f.bin")).equals(v2)).toBe(true);
  });
});
