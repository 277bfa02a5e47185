/**
 * A sync and a check through the library, and what each reports: `runSync` counts failed files in
 * its stats, `check` returns its counts; neither throws for them. Run: npx tsx examples/sync-and-check.ts
 */
import { assertNoDifferences, check, closeAll, fromBytes, newFs, runSync, Stats } from "strata";

const src = await newFs(":memory:photos");
const dst = await newFs({ type: "chunker", remote: ":memory:backup", chunk_size: "64k" });
for (const [name, size] of [["a.jpg", 100_000], ["b.jpg", 20_000], ["album/c.jpg", 300_000]] as const) {
  const data = new Uint8Array(size).fill(name.length);
  await src.put(fromBytes(data), { remote: name, size, modTime: new Date("2024-05-01T10:00:00Z") });
}

const stats = new Stats();
await runSync("sync", src, dst, { stats });
console.log(`sync: ${stats.transfers} transferred, ${stats.bytes} bytes, ${stats.errors} errors`);
if (stats.errors > 0) throw new Error("sync had errors");

await (await dst.newObject("b.jpg")).remove();
const result = await check(src, dst, { stats: new Stats() });
console.log(`check: ${result.matches} match, ${result.missingOnDst} missing on the destination`);
try {
  assertNoDifferences(result);
} catch (err) {
  console.log(`as the CLI would fail: ${(err as Error).message}`);
}

await closeAll();
