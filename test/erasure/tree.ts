/**
 * An erasure remote over six local directories (k = 4, m = 2, 1000-byte segments) holding a few
 * files of awkward sizes, and helpers to damage its shards on disk.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";

export const K = 4;
export const M = 2;
export const N = K + M;

/** Sizes around the segment (1000) and piece (250) boundaries, one empty, one nested. */
export const FILES: Record<string, number> = {
  empty: 0,
  one: 1,
  "a/seg": 1000,
  "a/b/odd": 2503,
  "a/b/big": 9001,
};

export interface ErasureTree {
  dirs: string[];
  /** The connection string for the erasure remote over `dirs`. */
  spec: string;
  contents: Map<string, Buffer>;
  remove(): void;
}

/** The connection string of erasure(k = 4, m = 2, 1000-byte segments) over `dirs`. */
export function erasureSpec(dirs: string[]): string {
  const remotes = dirs.map((d) => `'${d.replaceAll("'", "''")}'`).join(" ");
  return `:erasure,remotes=${quoteValue(remotes)},data_shards=${K},parity_shards=${M},segment_size=1000b:`;
}

/** A fresh remote opened in a context of its own, so no listing is cached from an earlier step. */
export function open(spec: string): Promise<Fs> {
  return newFs(spec, createContext());
}

/** Six new directories and `files` (path → size, random bytes) written through erasure. */
export async function makeErasureTree(files: Record<string, number> = FILES): Promise<ErasureTree> {
  const dirs = Array.from({ length: N }, (_, i) => mkdtempSync(join(tmpdir(), `strata-ec${i}-`)));
  const spec = erasureSpec(dirs);
  const fs = await open(spec);
  const contents = new Map<string, Buffer>();
  for (const [remote, size] of Object.entries(files)) {
    const data = randomBytes(size);
    contents.set(remote, data);
    await fs.put(fromBytes(data), { remote, size, modTime: new Date("2024-05-06T07:08:09.123Z") });
  }
  return {
    dirs,
    spec,
    contents,
    remove: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The on-disk path of shard `index` of `remote` (committed, current name). */
export function shardFile(tree: ErasureTree, index: number, remote: string): string {
  const cut = remote.lastIndexOf("/");
  const dir = join(tree.dirs[index] as string, remote.slice(0, Math.max(cut, 0)));
  const name = remote.slice(cut + 1);
  const found = readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && f.endsWith(`.s${index}`));
  if (found.length !== 1) throw new Error(`expected one shard ${index} of ${remote}, found ${found.join(", ")}`);
  return join(dir, found[0] as string);
}

/** Every file under `root` with its bytes, by path relative to it. */
export function filesUnder(root: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const visit = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(path).isDirectory()) visit(path, r);
      else out.set(r, readFileSync(path));
    }
  };
  visit(root, "");
  return out;
}

/** Reads every file of the tree through a fresh remote and checks it is exactly what was written. */
export async function readsBack(tree: ErasureTree, spec = tree.spec): Promise<boolean> {
  const fs = await open(spec);
  for (const [remote, data] of tree.contents) {
    const got = await toBytes(await (await fs.newObject(remote)).open());
    if (!Buffer.from(got).equals(data)) return false;
  }
  return true;
}
