/**
 * The chunker's `cleanUp`: removes temporary chunks that killed or failed uploads left on the wrapped
 * remote (spec §3.3, §4, §5), then runs the wrapped remote's own `cleanUp`.
 */
import { toBytes } from "../../fs/body.js";
import { isFsError } from "../../fs/errors.js";
import type { CleanUpOptions } from "../../fs/operations/cleanup.js";
import { sweepLeftovers } from "../../fs/operations/leftovers.js";
import { baseName, joinRemote, parentOf } from "../../fs/path.js";
import type { CallOptions, Fs, FsObject } from "../../fs/types.js";
import { MAX_META_READ, parseMeta } from "./meta.js";
import type { ChunkNamer } from "./name-format.js";

/** What the clean-up needs of the chunker (kept narrow so this module does not import `fs.ts`). */
export interface CleanUpTarget {
  readonly inner: Fs;
  readonly namer: ChunkNamer;
  /** Whether an upload in this process is still writing `txn` chunks for `remote`. */
  isUploading(remote: string, txn: string): boolean;
}

/** A file's current transaction, as its metadata records it (norename layout, spec §5). */
export interface MetaTxn {
  /** "" when the object is not metadata or records no txn. */
  txn: string;
  /** The chunk count the metadata records (0 when it is not metadata). */
  nchunks: number;
}

/**
 * The txn and chunk count recorded in the metadata of a small object. Read whatever `transactions`
 * is configured now, so chunks of files written with `norename` (and of a rename-mode commit that
 * was interrupted, which passes through that layout) are never taken for leftovers.
 */
export async function metaTxn(main: FsObject, options?: CallOptions): Promise<MetaTxn> {
  const none = { txn: "", nchunks: 0 };
  if (main.size > MAX_META_READ) return none;
  try {
    const parsed = parseMeta(await toBytes(await main.open({ signal: options?.signal })));
    if (parsed.status === "not-metadata") return none;
    return { txn: parsed.meta.txn ?? "", nchunks: parsed.meta.nchunks };
  } catch (err) {
    if (isFsError(err, "ObjectNotFound")) return none;
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
      txn = main ? (await metaTxn(main, options)).txn : "";
      current.set(t.parent, txn);
    }
    if (txn !== "" && t.txn === txn) continue;
    out.push(t.obj);
  }
  return out;
}

/**
 * Removes leftover temporary chunks anywhere under the root (logged at INFO, "Removed leftover
 * chunk"; with `dryRun` each is only named at NOTICE), then runs the wrapped remote's `cleanUp`
 * (see `sweepLeftovers`).
 */
export function cleanUpChunks(target: CleanUpTarget, options: CleanUpOptions = {}): Promise<void> {
  return sweepLeftovers(target.inner, "chunk", (files, call) => leftoversIn(target, files, call), options);
}
