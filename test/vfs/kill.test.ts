/**
 * A real kill -9 of a process writing through a VFS (cache mode writes, uploads not yet due): a new
 * VFS over the same cache directory uploads every file whose close had returned, whole, through
 * crypt(chunker(local)), and nothing of the file that was never closed.
 */
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { toBytes } from "../../src/fs/body.js";
import { quoteValue } from "../../src/fs/fspath.js";
import { seededRandom } from "../../src/fs/layers/fault.js";
import { setLogLevel } from "../../src/fs/log.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import { openVfs } from "../../src/vfs/index.js";
import { killMidUpload } from "../kill-child.js";
import { CRYPT_PASSWORD } from "./basics.js";
import { fileData, NEVER_CLOSED } from "./fixtures/kill-plan.js";
import { newTemp } from "./helpers.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/vfs-writer.ts", import.meta.url));
const TRIALS = 3;
setLogLevel("ERROR");

describe("vfs: the writer killed with SIGKILL", () => {
  it(`loses no closed file through ${TRIALS} kills`, async () => {
    const random = seededRandom(20_261_203);
    for (let trial = 0; trial < TRIALS; trial++) {
      const chunker = `:chunker,remote=${quoteValue(newTemp())},chunk_size=64k:`;
      const remote = `:crypt,remote=${quoteValue(chunker)},password=${CRYPT_PASSWORD}:`;
      const cacheDir = newTemp();
      const closedAt = 2 + Math.floor(random() * 8);
      const { output, signal } = await killMidUpload(FIXTURE, [remote, cacheDir], closedAt, Math.floor(random() * 20));
      expect(signal).toBe("SIGKILL");
      const closed = [...output.out.matchAll(/closed f(\d+)\n/g)].map((m) => Number(m[1]));
      expect(closed.length).toBeGreaterThanOrEqual(closedAt);

      const fs = await newFs(remote, createContext());
      const vfs = await openVfs(fs, { cacheMode: "writes", cacheDir, writeBack: 0 });
      await vfs.sync();
      await vfs.close();
      const names = (await fs.list("")).map((e) => e.remote);
      expect(names).not.toContain(NEVER_CLOSED);
      for (const i of closed) expect(names).toContain(`f${i}`);
      // Every file there (the one closed as the kill came may be too) is whole.
      for (const name of names) {
        const got = Buffer.from(await toBytes(await (await fs.newObject(name)).open()));
        expect(got.equals(fileData(Number(name.slice(1)))), name).toBe(true);
      }
    }
  });
});
