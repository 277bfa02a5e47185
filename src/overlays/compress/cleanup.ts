/**
 * compress's `cleanUp`: removes the data objects that killed or failed uploads left on the wrapped
 * remote, which listings hide and neither strata nor rclone can read: temporary `NAME.__________8.*`
 * objects, data objects without their `NAME.json`, and the data objects an interrupted overwrite left
 * beside the one the metadata names. Then runs the wrapped remote's own `cleanUp`.
 */
import { toBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import { baseName } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { formatSize } from "../../fs/units.js";
import { parseMeta } from "./meta.js";
import { dataName, isMetaName, metaName, parseDataName, STREAMING_SIZE } from "./names.js";

/** What `cleanUp` accepts: with `dryRun` it only logs what it would remove. */
export interface CompressCleanUpOptions extends CallOptions {
  dryRun?: boolean;
}

/** What the clean-up needs of the overlay (kept narrow so this module does not import `fs.ts`). */
export interface CleanUpTarget {
  readonly base: Fs;
  /** Whether an upload in this process is writing the wrapped object `remote`. */
  isWriting(remote: string): boolean;
}

/** The data object the metadata `meta` names, or undefined when it cannot be read. */
async function namedData(meta: FsObject, name: string, options?: CallOptions): Promise<string | undefined> {
  try {
    const m = parseMeta(await toBytes(await meta.open({ signal: options?.signal })));
    return typeof m === "string" ? undefined : dataName(name, m.Size, m.Mode);
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return undefined;
    throw err;
  }
}

/** The leftover data objects among one directory's files. */
async function leftoversIn(files: readonly FsObject[], options?: CallOptions): Promise<FsObject[]> {
  const metas = new Map<string, FsObject>();
  const data = new Map<string, FsObject[]>();
  const out: FsObject[] = [];
  for (const f of files) {
    const name = baseName(f.remote);
    if (isMetaName(name)) {
      metas.set(name, f);
      continue;
    }
    const parsed = parseDataName(name);
    if (!parsed) continue;
    if (parsed.size === STREAMING_SIZE) out.push(f);
    else data.set(parsed.name, [...(data.get(parsed.name) ?? []), f]);
  }
  for (const [name, objs] of data) {
    const meta = metas.get(metaName(name));
    if (!meta) {
      out.push(...objs);
      continue;
    }
    if (objs.length < 2) continue;
    // Unreadable metadata keeps every candidate: nothing here says which one is current.
    const current = await namedData(meta, name, options);
    if (current !== undefined) out.push(...objs.filter((o) => baseName(o.remote) !== current));
  }
  return out;
}

/**
 * Walks the wrapped remote's whole tree and removes leftover data objects (logged at INFO, "Removed
 * leftover data object"), except those an upload in this process is writing; with `dryRun` each is
 * only named at NOTICE. Then calls the wrapped remote's `cleanUp` when it has one (skipped with a
 * NOTICE under `dryRun`). Throws `DirNotFound` when the root does not exist. Uploads by other
 * processes look like leftovers: do not run it while they write to the same files.
 */
export async function cleanUpData(target: CleanUpTarget, options: CompressCleanUpOptions = {}): Promise<void> {
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
    for (const obj of await leftoversIn(files, call)) {
      if (target.isWriting(obj.remote)) continue;
      if (options.dryRun) {
        log.notice(
          obj.remote,
          `Skipped remove leftover data object as --dry-run is set (size ${formatSize(obj.size)})`,
        );
        continue;
      }
      try {
        await obj.remove(call);
      } catch (err) {
        if (!isFsError(err, "ObjectNotFound")) throw err;
      }
      log.info(obj.remote, "Removed leftover data object");
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
