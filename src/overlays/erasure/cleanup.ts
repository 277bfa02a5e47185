/**
 * The erasure overlay's `cleanUp`: removes what killed or failed uploads and interrupted commits
 * leave on the upstreams (docs/erasure-format.md, "Versions and visibility"), then runs each
 * upstream's own `cleanUp`.
 */
import { isFsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { formatSize } from "../../fs/units.js";
import type { ErasureFs } from "./fs.js";
import { newTallies, presentShards, type ScannedDir, scanShards } from "./scan.js";
import { verifyFile } from "./verify.js";

interface Leftover {
  obj: FsObject;
  /** The upstream holding it. */
  upstream: number;
  why: string;
}

/**
 * The leftovers in one directory: temporary shards no upload or rebuild in this process is
 * writing, every shard of a version older than the file's current one (the newest with its k
 * shards), and second copies of a current shard held on another upstream too. Versions newer than
 * the current one are kept: another process may be committing them. When an older version could
 * still be read (its k shards are there) or the current one has second copies, the current one is
 * verified first: older versions are kept unless it reads (the last whole version is never
 * removed), and a second copy is kept where the copy in use is not whole.
 */
async function leftoversIn(fs: ErasureFs, dir: ScannedDir, options: CallOptions): Promise<Leftover[]> {
  const out: Leftover[] = [];
  for (const t of dir.temps) {
    if (!fs.isWriting(t.remote, t.shard.vid)) out.push({ obj: t.obj, upstream: t.upstream, why: "temporary shard" });
  }
  for (const file of dir.files) {
    const current = file.current;
    if (!current) continue;
    const older = file.versions.filter((v) => v.vid < current.vid);
    let whole = (_index: number) => true;
    if (older.some((v) => presentShards(v) >= v.k) || current.duplicates.length > 0) {
      const check = await verifyFile(fs, current, options);
      whole = (index) => check.shards[index]?.state === "ok";
      if (!check.readable) {
        log.notice(file.remote, `newest version cannot be read (${check.unreadable}): older versions kept`);
        continue;
      }
    }
    for (const d of current.duplicates) {
      if (whole(d.index)) out.push({ obj: d.obj, upstream: d.upstream, why: `second copy of shard ${d.index}` });
    }
    for (const v of older) {
      for (const [index, obj] of v.shards.entries()) {
        if (obj) out.push({ obj, upstream: v.homes[index] as number, why: "shard of a superseded version" });
      }
      for (const d of v.duplicates)
        out.push({ obj: d.obj, upstream: d.upstream, why: "shard of a superseded version" });
    }
  }
  return out;
}

/**
 * Walks the whole tree and removes leftover shards (each logged at INFO, "Removed …", with a NOTICE
 * summary); with `dryRun` each is only named at NOTICE. Then calls each upstream's `cleanUp` where
 * it has one (skipped with a NOTICE under `dryRun`). Throws `DirNotFound` when no upstream has the
 * root, and what removal throws (a shard already gone is not an error).
 */
export async function cleanUpShards(fs: ErasureFs, options: CleanUpOptions = {}): Promise<void> {
  const call = { signal: options.signal };
  let count = 0;
  let bytes = 0;
  for await (const dir of scanShards(fs, newTallies(fs), call)) {
    for (const { obj, upstream, why } of await leftoversIn(fs, dir, call)) {
      const where = `upstream ${upstream}, ${formatSize(obj.size)}`;
      if (options.dryRun) {
        log.notice(obj.remote, `Skipped remove ${why} (${where}) as --dry-run is set`);
        continue;
      }
      try {
        await obj.remove(call);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
      log.info(obj.remote, `Removed ${why} (${where})`);
      count++;
      bytes += obj.size;
    }
  }
  if (count > 0) log.notice(fs.toString(), `Removed ${count} leftover shards (${formatSize(bytes)})`);
  for (const u of fs.upstreams) await upstreamCleanUp(u, options);
}

async function upstreamCleanUp(u: Fs, options: CleanUpOptions): Promise<void> {
  const cleanUp = u.features.cleanUp;
  if (!cleanUp) return;
  if (options.dryRun) {
    log.notice(u.toString(), "Skipped clean up as --dry-run is set");
    return;
  }
  await cleanUp({ signal: options.signal });
}
