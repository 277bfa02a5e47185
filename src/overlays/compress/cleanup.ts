/**
 * compress's `cleanUp`: removes the data objects that killed or failed uploads left on the wrapped
 * remote, which listings hide and neither strata nor rclone can read: temporary `NAME.__________8.*`
 * objects, data objects without their `NAME.json`, and data objects beside the one holding the
 * version the metadata describes. When that one is held (an overwrite was interrupted while the
 * previous version was moved aside), it is moved back to its data name, where rclone finds it. Then
 * runs the wrapped remote's own `cleanUp`.
 */
import { toBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import { log } from "../../fs/log.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { sweepLeftovers } from "../../fs/operations/leftovers.js";
import { baseName, joinRemote, parentOf } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { type CompressMeta, parseMeta } from "./meta.js";
import { dataName, isMetaName, metaName, parseDataName, STREAMING_SIZE } from "./names.js";
import { currentData } from "./pick.js";

/** What the clean-up needs of the overlay (kept narrow so this module does not import `fs.ts`). */
export interface CleanUpTarget {
  readonly inner: Fs;
  /** Whether an upload in this process is writing the wrapped object `remote`. */
  isWriting(remote: string): boolean;
}

/** The metadata in `meta`, or undefined when it cannot be read. */
async function readable(meta: FsObject, options?: CallOptions): Promise<CompressMeta | undefined> {
  try {
    const m = parseMeta(await toBytes(await meta.open({ signal: options?.signal })));
    return typeof m === "string" ? undefined : m;
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return undefined;
    throw err;
  }
}

/** One directory's clean-up: data objects to remove, and held data to move back to its data name. */
interface Plan {
  leftovers: FsObject[];
  restores: { held: FsObject; to: string }[];
}

async function planFor(files: readonly FsObject[], options?: CallOptions): Promise<Plan> {
  const metas = new Map<string, FsObject>();
  const data = new Map<string, FsObject[]>();
  const plan: Plan = { leftovers: [], restores: [] };
  for (const f of files) {
    const name = baseName(f.remote);
    if (isMetaName(name)) {
      metas.set(name, f);
      continue;
    }
    const parsed = parseDataName(name);
    if (!parsed) continue;
    if (parsed.size === STREAMING_SIZE) plan.leftovers.push(f);
    else data.set(parsed.name, [...(data.get(parsed.name) ?? []), f]);
  }
  for (const [name, objs] of data) {
    const metaObj = metas.get(metaName(name));
    if (!metaObj) {
      plan.leftovers.push(...objs);
      continue;
    }
    if (objs.length === 1 && parseDataName(baseName((objs[0] as FsObject).remote))?.held === undefined) continue;
    // Unreadable metadata, or metadata naming none of them, keeps every candidate: nothing says
    // which one is current.
    const meta = await readable(metaObj, options);
    const remote = joinRemote(parentOf((objs[0] as FsObject).remote), name);
    const current = meta && currentData(remote, meta, objs);
    if (!meta || !current) continue;
    const home = dataName(remote, meta.Size, meta.Mode);
    if (current.remote !== home) plan.restores.push({ held: current, to: home });
    plan.leftovers.push(...objs.filter((o) => o !== current));
  }
  return plan;
}

/**
 * Removes leftover data objects anywhere under the root (logged at INFO, "Removed leftover data
 * object"; with `dryRun` each is only named at NOTICE) and moves held data back, except for files
 * an upload in this process is writing, then runs the wrapped remote's `cleanUp` (see
 * `sweepLeftovers`). Never removes the data object holding the version a file's metadata describes.
 * Uploads by other processes look like leftovers: do not run it while they write to the same files.
 */
export function cleanUpData(target: CleanUpTarget, options: CleanUpOptions = {}): Promise<void> {
  const pick = async (files: FsObject[], call: CallOptions) => {
    const plan = await planFor(files, call);
    let leftovers = plan.leftovers.filter((obj) => !target.isWriting(obj.remote));
    for (const { held, to } of plan.restores) {
      if (target.isWriting(held.remote)) continue;
      if (options.dryRun) {
        log.notice(held.remote, `Skipped move of held data object back to ${baseName(to)} as --dry-run is set`);
        continue;
      }
      // The object at the data name (if any) holds another version: remove it before the move, so
      // a kill in between leaves the held one, which readers still find.
      const stale = leftovers.find((o) => o.remote === to);
      if (stale) await removeIfThere(stale, call);
      leftovers = leftovers.filter((o) => o !== stale);
      if (await moveBack(target.inner, held, to, call)) {
        log.info(held.remote, `Moved held data object back to ${baseName(to)}`);
      }
    }
    return leftovers;
  };
  return sweepLeftovers(target.inner, "data object", pick, options);
}

async function removeIfThere(obj: FsObject, options: CallOptions): Promise<void> {
  try {
    await obj.remove(options);
  } catch (err) {
    if (!isFsError(err, "ObjectNotFound")) throw err;
  }
  log.info(obj.remote, "Removed leftover data object");
}

/**
 * Moves `held` to `to` with the wrapped move and says whether it did; without a move that takes it,
 * the data stays held, where readers find it.
 */
async function moveBack(base: Fs, held: FsObject, to: string, options: CallOptions): Promise<boolean> {
  const move = base.features.move;
  if (!move) return false;
  try {
    await move(held, to, options);
    return true;
  } catch (err) {
    if (!isFsError(err, "CantMove")) throw err;
    return false;
  }
}
