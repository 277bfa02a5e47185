/**
 * Erasure stacks for the integrity tests, and tools to damage their shards through the upstreams'
 * own API (so the same damage works on memory and local upstreams): read a shard's bytes, put
 * changed bytes back under the same name, forge a header or trailer with its checksum recomputed.
 */
import { createHash, randomBytes } from "node:crypto";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import type { LayerFs } from "../../src/fs/layers/layer.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { baseName, parentOf } from "../../src/fs/path.js";
import type { Fs, FsObject } from "../../src/fs/types.js";
import { parseShardName } from "../../src/overlays/erasure/format.js";
import { ErasureFs } from "../../src/overlays/erasure/fs.js";
import { erasureOf } from "../../src/overlays/erasure/unwrap.js";

/** The connection string of erasure(k + m) over `remotes` with `segment` (a size such as `64Ki` or `1000b`). */
export function erasureSpec(remotes: string[], k: number, segment: string, extra = ""): string {
  const quoted = remotes.map((r) => `'${r.replaceAll("'", "''")}'`).join(" ");
  return `:erasure,remotes=${quoteValue(quoted)},data_shards=${k},parity_shards=${remotes.length - k},segment_size=${segment}${extra}:`;
}

/** `n` fresh memory remotes (memory is shared by the whole process, so new names are empty). */
export function memoryRemotes(n: number): string[] {
  const tag = randomBytes(6).toString("hex");
  return Array.from({ length: n }, (_, i) => `:memory:ec-${tag}-${i}`);
}

/** The erasure Fs of `spec`, opened in a context of its own so nothing is cached from earlier steps. */
export async function openErasure(spec: string): Promise<ErasureFs> {
  return erasureOf(await newFs(spec, createContext()));
}

/** The same erasure remote over other upstreams (each wrapped in a layer, say). */
export function over(fs: ErasureFs, wrap: (u: Fs, index: number) => Fs | LayerFs): ErasureFs {
  return new ErasureFs(fs.name, fs.root, fs.upstreams.map(wrap), fs.plan, fs.rs);
}

/** The committed shard `index` of `remote` on its upstream (the newest version's when several). */
export async function shardObject(fs: ErasureFs, remote: string, index: number): Promise<FsObject> {
  const u = fs.upstreams[index] as Fs;
  const found = (await u.list(parentOf(remote))).flatMap((e) => {
    const s = e.kind === "file" ? parseShardName(baseName(e.remote)) : undefined;
    return s && s.index === index && s.name === baseName(remote) ? [{ s, e: e as FsObject }] : [];
  });
  const newest = found.sort((a, b) => b.s.vid - a.s.vid)[0];
  if (!newest) throw new Error(`no shard ${index} of ${remote}`);
  return newest.e;
}

export async function readShard(fs: ErasureFs, remote: string, index: number): Promise<Buffer> {
  return Buffer.from(await toBytes(await (await shardObject(fs, remote, index)).open()));
}

/** Replaces shard `index` of `remote` by `bytes`, under the same name and modtime. */
export async function writeShard(fs: ErasureFs, remote: string, index: number, bytes: Uint8Array): Promise<void> {
  const obj = await shardObject(fs, remote, index);
  await (fs.upstreams[index] as Fs).put(fromBytes(bytes), {
    remote: obj.remote,
    size: bytes.length,
    modTime: obj.modTime,
  });
}

export async function removeShard(fs: ErasureFs, remote: string, index: number): Promise<void> {
  await (await shardObject(fs, remote, index)).remove();
}

/** Every shard of `remote` (by index; undefined where missing). */
export async function readShards(fs: ErasureFs, remote: string): Promise<(Buffer | undefined)[]> {
  return Promise.all(fs.upstreams.map((_, i) => readShard(fs, remote, i).catch(() => undefined)));
}

/** Writes `data` as `remote` through `fs`. */
export async function putFile(
  fs: Fs,
  remote: string,
  data: Uint8Array,
  modTime = new Date("2024-05-06T07:08:09.123Z"),
) {
  return fs.put(fromBytes(data, 10_007), { remote, size: data.length, modTime });
}

/** Reads `remote` (or bytes `[offset, offset + length)` of it) through `fs`. */
export async function readFile(fs: Fs, remote: string, offset?: number, length?: number): Promise<Buffer> {
  return Buffer.from(await toBytes(await (await fs.newObject(remote)).open({ offset, length })));
}

/** Recomputes a header's checksum (bytes 32–63) after its fields were changed. */
export function resealHeader(shard: Buffer): void {
  createHash("sha256").update(shard.subarray(0, 32)).digest().copy(shard, 32);
}

/** Recomputes the trailer's checksum, which covers its first 64 bytes and the header's first 32. */
export function resealTrailer(shard: Buffer): void {
  const t = shard.length - 96;
  createHash("sha256")
    .update(shard.subarray(t, t + 64))
    .update(shard.subarray(0, 32))
    .digest()
    .copy(shard, t + 64);
}
