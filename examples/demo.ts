/**
 * The README's first command: copy examples/photos into a local temp dir and into memory through the
 * library API, then prove with md5 that every copy matches its source.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyFile, type Fs, newFs, walk } from "../src/index.js";

const source = await newFs(join(import.meta.dirname, "photos"));

async function copyTree(dst: Fs): Promise<void> {
  for await (const { entries } of walk(source, "")) {
    for (const e of entries) if (e.kind === "file") await copyFile(e, dst, e.remote);
  }
}

async function verify(dst: Fs): Promise<number> {
  let checked = 0;
  for await (const { entries } of walk(source, "")) {
    for (const e of entries) {
      if (e.kind !== "file") continue;
      const copy = await dst.newObject(e.remote);
      const [a, b] = [await e.hash("md5"), await copy.hash("md5")];
      if (a !== b || e.size !== copy.size) throw new Error(`${e.remote}: copy differs`);
      console.log(`  ${a}  ${String(e.size).padStart(6)}  ${e.remote}`);
      checked++;
    }
  }
  return checked;
}

for (const dst of [await newFs(await mkdtemp(join(tmpdir(), "strata-demo-"))), await newFs(":memory:demo")]) {
  await copyTree(dst);
  console.log(`${source} -> ${dst}`);
  console.log(`  ${await verify(dst)} files, md5 identical\n`);
}
