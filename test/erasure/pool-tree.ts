/**
 * Erasure remotes over a pool of memory upstreams for the placement and re-encode tests: the
 * connection string, a seeded tree of files, the same remote with some upstreams gone, and the
 * shard bytes each upstream holds.
 */
import { randomBytes } from "node:crypto";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { FaultFs, seededRandom } from "../../src/fs/layers/fault.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { newTallies, scanShards } from "../../src/overlays/erasure/scan.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";
import { seededBytes } from "../chunker/fixtures/seeded.js";

/** `n` fresh memory remotes (memory is shared by the process, so new names are empty). */
export function memoryPool(n: number): string[] {
  const tag = randomBytes(6).toString("hex");
  return Array.from({ length: n }, (_, i) => `:memory:pool-${tag}-${i}`);
}

const quoted = (remotes: readonly string[]) => remotes.map((r) => `'${r.replaceAll("'", "''")}'`).join(" ");

/** erasure(k + m) over `remotes` with 1000-byte segments; `extra` as `,key=value` pairs. */
export function poolSpec(remotes: readonly string[], k: number, m: number, extra = ""): string {
  return `:erasure,remotes=${quoteValue(quoted(remotes))},data_shards=${k},parity_shards=${m},segment_size=1000b${extra}:`;
}

/** `,groups=…` putting consecutive runs of `size` remotes in one group each. */
export function groupsOf(remotes: readonly string[], size: number): string {
  const groups: string[] = [];
  for (let i = 0; i < remotes.length; i += size) groups.push(quoted(remotes.slice(i, i + size)));
  return `,groups=${quoteValue(groups.join(" ; "))}`;
}

/** The erasure Fs of `spec` in a context of its own. */
export async function openPool(spec: string): Promise<ErasureFs> {
  return erasureOf(await newFs(spec, createContext()));
}

/** `count` files of seeded sizes (0 to `maxSize` bytes) in two directories, written through `fs`. */
export async function writeSeededTree(fs: Fs, count: number, maxSize: number, seed = 1): Promise<Map<string, Buffer>> {
  const random = seededRandom(seed);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const remote = `${i % 2 === 0 ? "a" : "b/c"}/f${i}.bin`;
    const data = seededBytes(`f${seed}-${i}`, Math.floor(random() * (maxSize + 1)));
    files.set(remote, data);
    await fs.put(fromBytes(data, 777), { remote, size: data.length, modTime: new Date("2024-01-02T03:04:05Z") });
  }
  return files;
}

/** The same erasure remote with the upstreams in `dead` gone: every call on them fails. */
export function withDead(fs: ErasureFs, dead: ReadonlySet<number>): ErasureFs {
  const upstreams = fs.upstreams.map((u, i) => {
    if (!dead.has(i)) return u;
    const gone = new FaultFs(u);
    gone.vanish();
    return gone;
  });
  return new ErasureFs(fs.name, fs.root, upstreams, fs.plan, fs.rs);
}

/** The files of `files` that do not read back exactly through `fs` (each directory listed once). */
export async function misreads(fs: Fs, files: ReadonlyMap<string, Buffer>): Promise<string[]> {
  const dirs = new Set([...files.keys()].map((r) => r.slice(0, Math.max(r.lastIndexOf("/"), 0))));
  const listed = new Map<string, FsObject>();
  for (const dir of dirs) {
    for (const e of await fs.list(dir)) if (e.kind === "file") listed.set(e.remote, e);
  }
  const bad: string[] = [];
  for (const [remote, data] of files) {
    const got = await listed
      .get(remote)
      ?.open()
      .then(toBytes)
      .catch(() => undefined);
    if (!got || !Buffer.from(got).equals(data)) bad.push(remote);
  }
  return bad;
}

/** Shard bytes listed on each upstream. */
export async function bytesPerUpstream(fs: ErasureFs): Promise<number[]> {
  const tallies = newTallies(fs);
  for await (const _ of scanShards(fs, tallies)) {
    // Scanning fills the tallies.
  }
  return tallies.map((t) => t.bytes);
}
