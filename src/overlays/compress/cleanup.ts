/**
 * compress's `cleanUp`: removes the data objects that killed or failed uploads left on the wrapped
 * remote, which listings hide and neither strata nor rclone can read: temporary `NAME.__________8.*`
 * objects, data objects without their `NAME.json`, and the data objects an interrupted overwrite left
 * beside the one the metadata names. Then runs the wrapped remote's own `cleanUp`.
 */
import { toBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { sweepLeftovers } from "../../fs/operations/leftovers.js";
import { baseName } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { parseMeta } from "./meta.js";
import { dataName, isMetaName, metaName, parseDataName, STREAMING_SIZE } from "./names.js";

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
 * Removes leftover data objects anywhere under the root (logged at INFO, "Removed leftover data
 * object"; with `dryRun` each is only named at NOTICE), except those an upload in this process is
 * writing, then runs the wrapped remote's `cleanUp` (see `sweepLeftovers`). Uploads by other
 * processes look like leftovers: do not run it while they write to the same files.
 */
export function cleanUpData(target: CleanUpTarget, options: CleanUpOptions = {}): Promise<void> {
  const pick = async (files: FsObject[], call: CallOptions) =>
    (await leftoversIn(files, call)).filter((obj) => !target.isWriting(obj.remote));
  return sweepLeftovers(target.base, "data object", pick, options);
}
