/** Seeded random trees on any Fs, their mutations, and a fingerprint of a whole tree. */
import { createHash } from "node:crypto";
import { fromBytes, toBytes } from "../../src/fs/body.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { walk } from "../../src/fs/operations/walk.js";
import { type Fs, type FsObject, MODTIME_NOT_SUPPORTED } from "../../src/fs/types.js";

/** Seeded, so a seed always gives the same tree. */
export const rng = seededRandom;

export function bytes(random: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * 256);
  return out;
}

const NAMES = ["alpha", "beta", "gamma", "данные", "日本語", "émoji 🎉", "with space", "dots.v1.2", "z-last", "UPPER"];
export const MODTIME = new Date("2022-10-21T12:34:56Z");

export async function putFile(fs: Fs, remote: string, data: Uint8Array, modTime = MODTIME): Promise<FsObject> {
  return fs.put(fromBytes(data), { remote, size: data.length, modTime });
}

/**
 * Writes a nested tree: a few directories three levels deep, unicode names, an empty file and
 * one multi-MiB file. Returns the file paths.
 */
export async function seedTree(fs: Fs, seed: number, options: { bigFile?: number } = {}): Promise<string[]> {
  const random = rng(seed);
  const paths: string[] = [];
  const dirs = ["", "a", "a/b", "a/b/c", "данные", "with space/inner"];
  let i = 0;
  for (const dir of dirs) {
    const count = 2 + Math.floor(random() * 3);
    for (let k = 0; k < count; k++) {
      const name = `${NAMES[Math.floor(random() * NAMES.length)]}-${i++}.bin`;
      const path = dir ? `${dir}/${name}` : name;
      const size = Math.floor(random() * 4000);
      await putFile(fs, path, bytes(random, size));
      paths.push(path);
    }
  }
  await putFile(fs, "a/empty.txt", new Uint8Array(0));
  paths.push("a/empty.txt");
  const big = options.bigFile ?? 3 * 1024 * 1024 + 17;
  await putFile(fs, "a/b/big.dat", bytes(random, big));
  paths.push("a/b/big.dat");
  return paths.sort();
}

export interface Fingerprint {
  /** path → `size:sha256` */
  files: Map<string, string>;
  dirs: Set<string>;
}

/** Every file's size and content hash, and every directory, under the root. */
export async function fingerprint(fs: Fs): Promise<Fingerprint> {
  const files = new Map<string, string>();
  const dirs = new Set<string>();
  try {
    for await (const { entries } of walk(fs, "")) {
      for (const e of entries) {
        if (e.kind === "dir") dirs.add(e.remote);
        else
          files.set(
            e.remote,
            `${e.size}:${createHash("sha256")
              .update(await toBytes(await e.open()))
              .digest("hex")}`,
          );
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code !== "DirNotFound") throw err;
  }
  return { files, dirs };
}

/** Expected check differences after a mutation, by category. */
export interface Mutation {
  modified: string[];
  deleted: string[];
  added: string[];
  touched: string[];
  renamedFrom: string[];
  renamedTo: string[];
}

/** Modifies, deletes, adds, renames and touches (where `fs` keeps modtimes) a few files of `paths` on `fs`. */
export async function mutate(fs: Fs, paths: string[], seed: number): Promise<Mutation> {
  const random = rng(seed);
  const pool = paths.filter((p) => p !== "a/b/big.dat" && p !== "a/empty.txt");
  const take = () => pool.splice(Math.floor(random() * pool.length), 1)[0] as string;
  const m: Mutation = { modified: [], deleted: [], added: [], touched: [], renamedFrom: [], renamedTo: [] };
  for (let k = 0; k < 2; k++) {
    const p = take();
    const old = await fs.newObject(p);
    // Same size, other bytes and a later modtime: only a content comparison or the modtime can tell.
    await putFile(fs, p, bytes(random, old.size + 1), new Date(MODTIME.getTime() + 60_000));
    m.modified.push(p);
  }
  for (let k = 0; k < 2; k++) {
    const p = take();
    await (await fs.newObject(p)).remove();
    m.deleted.push(p);
  }
  for (const p of ["new-top.txt", "a/b/c/new-deep.txt", "brand new dir/file.txt"]) {
    await putFile(fs, p, bytes(random, 100 + Math.floor(random() * 1000)));
    m.added.push(p);
  }
  {
    const p = take();
    const o = await fs.newObject(p);
    const data = await toBytes(await o.open());
    const to = `${p}.renamed`;
    await putFile(fs, to, data, o.modTime);
    await o.remove();
    m.renamedFrom.push(p);
    m.renamedTo.push(to);
  }
  // A remote that keeps no modtimes cannot be touched (WebDAV servers without a vendor extension).
  if (fs.precision !== MODTIME_NOT_SUPPORTED) {
    const p = take();
    await (await fs.newObject(p)).setModTime(new Date(MODTIME.getTime() + 3_600_000));
    m.touched.push(p);
  }
  return m;
}
