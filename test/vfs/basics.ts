/** Helpers of the VFS tests that need no vitest, so the kill test's child process can use them too. */
import { seededRandom } from "../../src/fs/layers/fault.js";
import type { OpenFlags } from "../../src/vfs/index.js";

/** "hunter2", obscured as crypt's config holds it. */
export const CRYPT_PASSWORD = "AAECAwQFBgcICQoLDA0OD2nqCVFioHI";

const NONE: OpenFlags = { read: false, write: false, create: false, exclusive: false, truncate: false, append: false };

/** open(2) flags by name: `flags("read", "write", "create")`. */
export function flags(...set: (keyof OpenFlags)[]): OpenFlags {
  return { ...NONE, ...Object.fromEntries(set.map((k) => [k, true])) };
}

/** Seeded bytes, so a failure repeats. */
export function seededBytes(n: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
}
