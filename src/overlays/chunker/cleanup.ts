/**
 * The chunker's `cleanUp`: removes temporary chunks that killed or failed uploads left on the wrapped
 * remote (spec §3.3, §4, §5), then runs the wrapped remote's own `cleanUp`.
 */
import { toBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import { baseName, joinRemote, parentOf } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { formatSize } from "../../fs/units.js";
import { MAX_META_READ, parseMeta } from "./meta.js";
import type { ChunkNamer } from "./name-format.js";

/** What `cleanUp` accepts: with `dryRun` it only logs what it would remove. */
export interface ChunkerCleanUpOptions extends CallOptions {
  dryRun?: boolean;
}

/** What the clean-up needs of the chunker (kept narrow so this module does not import `fs.ts`). */
export interface CleanUpTarget {
  readonly base: Fs;
  readonly namer: ChunkNamer;
  /** Whether an upload in this process is still writing `txn` chunks for `remote`. */
  isUploading(remote: string, txn: string): boolean;
}

/**
 * The txn recorded in the metadata of a small object (norename layout, spec §5), or "" when the
 * object is not metadata or has none. Read whatever `transactions` is configured now, so chunks of
 * files written with `norename` are never taken for leftovers.
 */
export async function metaTxn(main: FsObject, options?: CallOptions): Promise<string> {
  if (main.size > MAX_META_READ) return "";
  try {
    const parsed = parseMeta(await toBytes(await main.open({ signal: options?.signal })));
    return parsed.status === "not-metadata" ? "" : (parsed.meta.txn ?? "");
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return "";
    throw err;
  }
}

/**
 * The leftover temporary chunks in `dir` of the wrapped remote: every chunk name with a txn suffix
 * (`…_<txn>` or legacy `..tmp_<digits>`), except chunks of a norename file's current transaction and
 * chunks an upload in this process is still writing.
 */
async function leftoversIn(target: CleanUpTarget, entries: readonly FsObject[], options?: CallOptions) {
  const mains = new Map<string, FsObject>();
  const temps: { obj: FsObject; parent: string; txn: string }[] = [];
  for (const e of entries) {
    const parsed = target.namer.parse(baseName(e.remote));
    if (!parsed) mains.set(baseName(e.remote), e);
    else if (parsed.txn !== "") temps.push({ obj: e, parent: parsed.parent, txn: parsed.txn });
  }
  const current = new Map<string, string>();
  const out: FsObject[] = [];
  for (const t of temps) {
    const parentRemote = joinRemote(parentOf(t.obj.remote), t.parent);
    if (target.isUploading(parentRemote, t.txn)) continue;
    let txn = current.get(t.parent);
    if (txn === undefined) {
      const main = mains.get(t.parent);
      txn = main ? await metaTxn(main, options) : "";
      current.set(t.parent, txn);
    }
    if (txn !== "" && t.txn === txn) continue;
    out.push(t.obj);
  }
  return out;
}

/**
 * Walks the whole tree of the wrapped remote and removes leftover temporary chunks (logged at INFO,
 * "Removed leftover chunk"); with `dryRun` each is only named at NOTICE. Then calls the wrapped
 * remote's `cleanUp` when it has one (skipped with a NOTICE under `dryRun`, since it cannot preview).
 * Throws `DirNotFound` when the root does not exist, and what removal throws (a chunk already gone is
 * not an error).
 */
export async function cleanUpChunks(target: CleanUpTarget, options: ChunkerCleanUpOptions = {}): Promise<void> {
  const { base } = target;
  const call = { signal: options.signal };
  const pending = [""];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    options.signal?.throwIfAborted();
    let entries: Awaited<ReturnType<Fs["list"]>>;
    try {
      entries = await base.list(dir, call);
    } catch (err) {
      // A directory removed while walking is not an error; a missing root is.
      if (dir !== "" && isFsError(err, "DirNotFound")) continue;
      throw err;
    }
    const files: FsObject[] = [];
    for (const e of entries) {
      if (e.kind === "dir") pending.push(e.remote);
      else files.push(e);
    }
    for (const obj of await leftoversIn(target, files, call)) {
      if (options.dryRun) {
        log.notice(obj.remote, `Skipped remove leftover chunk as --dry-run is set (size ${formatSize(obj.size)})`);
        continue;
      }
      try {
        await obj.remove(call);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
      log.info(obj.remote, "Removed leftover chunk");
    }
  }
  const baseCleanUp = base.features.cleanUp;
  if (!baseCleanUp) return;
  if (options.dryRun) {
    log.notice(base.toString(), "Skipped clean up as --dry-run is set");
    return;
  }
  await baseCleanUp(call);
}
