/**
 * The README's first command through the library API: copy examples/photos into crypt over erasure
 * over three local "disks" (examples/strata.json5, with the disks in a temp dir), lose one disk,
 * and prove that every file still reads back byte for byte.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAll, ConfigStore, copyFile, createContext, type FsObject, newFs, toBytes, walk } from "strata";

const disks = await mkdtemp(join(tmpdir(), "strata-demo-"));
// The config's shard remotes, pointed at this run's temp dir instead of /tmp/strata-demo.
const env = { STRATA_CONFIG_DISKS_REMOTES: ["disk1", "disk2", "disk3"].map((d) => join(disks, d)).join(" ") };
const config = await ConfigStore.load(join(import.meta.dirname, "strata.json5"), env);
const ctx = createContext(config, env);
const source = await newFs(join(import.meta.dirname, "photos"), ctx);
const stack = await newFs("demo:", ctx);

const files: FsObject[] = [];
for await (const { entries } of walk(source, "")) {
  for (const e of entries) if (e.kind === "file") files.push(e);
}
for (const f of files) await copyFile(f, stack, f.remote);
console.log(`${source} -> ${stack}: ${files.length} files`);

await rm(join(disks, "disk2"), { recursive: true });
const sha256 = async (o: FsObject) => createHash("sha256").update(await toBytes(await o.open())).digest("hex");
const afterCtx = createContext(config, env);
const after = await newFs("demo:", afterCtx);
for (const f of files) {
  const [want, got] = [await sha256(f), await sha256(await after.newObject(f.remote))];
  if (want !== got) throw new Error(`${f.remote}: differs after losing a disk`);
  console.log(`  ${got.slice(0, 16)}  ${String(f.size).padStart(6)}  ${f.remote}`);
}
console.log(`disk2 lost: all ${files.length} files read back identical`);
await rm(disks, { recursive: true });
// Releases what both contexts opened, so the process can exit.
await closeAll(ctx);
await closeAll(afterCtx);
