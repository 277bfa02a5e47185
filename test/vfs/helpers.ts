/** Shared helpers of the VFS tests: remotes to run over, whole-file reads and writes. */
export { flags, seededBytes } from "./basics.js";

import { randomBytes } from "node:crypto";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import type { Vfs } from "../../src/vfs/index.js";
import { tempDirs } from "../temp-dirs.js";
import { CRYPT_PASSWORD, flags } from "./basics.js";

export const newTemp = tempDirs("strata-vfs-");

const randomName = () => randomBytes(6).toString("hex");

/** The remotes every VFS behaviour is checked over, each made fresh and empty. */
export const REMOTES: { label: string; make: () => Promise<Fs> }[] = [
  { label: "memory", make: () => newFs(`:memory:vfs-${randomName()}`, createContext()) },
  {
    label: "crypt(chunker(memory))",
    make: () => {
      const chunker = `:chunker,remote=${quoteValue(`:memory:vfs-${randomName()}`)},chunk_size=1000b:`;
      return newFs(`:crypt,remote=${quoteValue(chunker)},password=${CRYPT_PASSWORD}:`, createContext());
    },
  },
  { label: "local", make: () => newFs(newTemp(), createContext()) },
];

/** Creates (or replaces) `path` with `data`, written sequentially in `piece`-byte writes, and closes it. */
export async function writeFile(vfs: Vfs, path: string, data: Uint8Array, piece = 4096): Promise<void> {
  const h = await vfs.open(path, flags("write", "create", "truncate"));
  for (let at = 0; at < data.length; at += piece) await h.write(at, data.subarray(at, at + piece));
  await h.flush();
  await h.release();
}

/** Reads all of `path` sequentially in `piece`-byte reads. */
export async function readFile(vfs: Vfs, path: string, piece = 4096): Promise<Uint8Array> {
  const h = await vfs.open(path, flags("read"));
  const parts: Uint8Array[] = [];
  try {
    for (let at = 0; ; ) {
      const part = await h.read(at, piece);
      if (part.length === 0) break;
      parts.push(part);
      at += part.length;
    }
  } finally {
    await h.release();
  }
  return Buffer.concat(parts);
}
