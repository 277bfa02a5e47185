/**
 * Grouping one wrapped directory listing into the chunker's files (spec §10): main objects, data
 * chunks by index, the chunks of a norename transaction, strays and broken groups.
 */
import { log } from "../../fs/log.js";
import { baseName, joinRemote, unsafeSegment } from "../../fs/path.js";
import type { CallOptions, Directory, FsObject } from "../../fs/types.js";
import { type MetaTxn, metaTxn } from "./cleanup.js";
import type { ChunkerFs } from "./fs.js";
import { MAX_META_READ } from "./meta.js";
import type { ParsedChunk } from "./name-format.js";

/** One wrapped chunk object with its index. */
export interface Chunk {
  index: number;
  obj: FsObject;
}

/** What the wrapped remote holds for one composite name. */
export interface Group {
  main?: FsObject;
  chunks: Chunk[];
  /** Hidden chunks (temporary, control) exist next to a small main object. */
  unsure: boolean;
  /** Why the entry is unusable (gaps, duplicates, a big main object), when it is. */
  bad?: string;
  /**
   * Chunks under final names that are not part of the file (left by an interrupted commit or
   * removal): a commit removes them, or they would join the next version. Set by `findGroup` only.
   */
  stale?: FsObject[];
}

/** A wrapped directory grouped: its subdirectories, its files by name, and stray final-name chunks by name. */
export interface GroupedDir {
  dirs: Directory[];
  groups: Map<string, Group>;
  strays: Map<string, FsObject[]>;
}

/** Byte order of UTF-8 names, as rclone sorts a listing. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * Groups one wrapped directory listing into composite names (spec §10). Directories are returned
 * as they are; `only` limits the work to one base name (for `newObject`).
 */
export async function groupDir(fs: ChunkerFs, dir: string, options?: CallOptions, only?: string): Promise<GroupedDir> {
  const entries = await fs.inner.list(dir, options);
  entries.sort((a, b) => byteOrder(a.remote, b.remote));
  const dirs: Directory[] = [];
  const groups = new Map<string, Group>();
  const strays = new Map<string, FsObject[]>();
  const chunks: { parsed: ParsedChunk; obj: FsObject }[] = [];
  const stray = (parent: string, obj: FsObject) => strays.get(parent)?.push(obj) ?? strays.set(parent, [obj]);
  const group = (name: string) => {
    let g = groups.get(name);
    if (!g) {
      g = { chunks: [], unsure: false };
      groups.set(name, g);
    }
    return g;
  };
  for (const e of entries) {
    const name = baseName(e.remote);
    if (e.kind === "dir") {
      dirs.push(e);
      continue;
    }
    const parsed = fs.namer.parse(name);
    if (parsed) {
      const unsafe = unsafeSegment(parsed.parent);
      if (unsafe) {
        log.notice(e.remote, `skipped: a chunk of ${unsafe}`);
        continue;
      }
      if (only === undefined || parsed.parent === only) chunks.push({ parsed, obj: e });
    } else if (only === undefined || name === only) {
      group(name).main = e;
    }
  }
  // Chunks under a txn next to metadata that records that txn are the file's (norename layout,
  // which a rename-mode commit also passes through), in either mode.
  const txns = new Map<string, MetaTxn>();
  for (const { parsed } of chunks) {
    if (parsed.txn === "" || parsed.control !== undefined || txns.has(parsed.parent)) continue;
    const main = groups.get(parsed.parent)?.main;
    if (main) txns.set(parsed.parent, await metaTxn(main, options));
  }
  const renamed = movedToFinalNames(chunks, txns);
  for (const { parsed, obj } of chunks) {
    const current = txns.get(parsed.parent)?.txn ?? "";
    const special = parsed.control !== undefined || (parsed.txn !== current && !renamed.has(obj));
    if (special && parsed.control === undefined && parsed.txn === "") {
      stray(parsed.parent, obj);
    }
    let g = groups.get(parsed.parent);
    if (special) {
      if (g?.main && g.main.size <= MAX_META_READ) g.unsure = true;
      continue;
    }
    if (!g) {
      if (fs.useMeta) {
        log.debug(obj.remote, "skip orphan data chunk");
        stray(parsed.parent, obj);
        continue;
      }
      g = group(parsed.parent);
    }
    const index = parsed.index as number;
    if (g.chunks.some((c) => c.index === index)) g.bad = `duplicate chunk ${index + fs.options.start_from}`;
    g.chunks.push({ index, obj });
  }
  for (const [name, g] of groups) {
    if (g.chunks.length === 0) continue;
    g.chunks.sort((a, b) => a.index - b.index);
    if (!g.bad) {
      const gap = g.chunks.findIndex((c, i) => c.index !== i);
      if (gap >= 0) g.bad = `missing chunk ${gap + fs.options.start_from}`;
    }
    if (!g.bad && fs.useMeta && g.main && g.main.size > MAX_META_READ) {
      g.bad = "metadata object is too big";
    }
    if (g.bad) log.debug(joinRemote(dir, name), g.bad);
  }
  return { dirs, groups, strays };
}

/**
 * The final-name chunks that belong to a file whose metadata still records a txn: a rename-mode
 * commit moves its chunks from temporary to final names in index order after the metadata switch,
 * so when chunks `j…n-1` are still under the txn, final-name chunks `0…j-1` are the ones already
 * moved. Final-name chunks at `j` or above are a previous version's.
 */
function movedToFinalNames(
  chunks: readonly { parsed: ParsedChunk; obj: FsObject }[],
  txns: ReadonlyMap<string, MetaTxn>,
): Set<FsObject> {
  const firstUnmoved = new Map<string, number>();
  for (const { parsed } of chunks) {
    const t = txns.get(parsed.parent);
    if (!t || t.txn === "" || parsed.txn !== t.txn || parsed.control !== undefined) continue;
    const at = firstUnmoved.get(parsed.parent) ?? t.nchunks;
    firstUnmoved.set(parsed.parent, Math.min(at, parsed.index as number));
  }
  const out = new Set<FsObject>();
  for (const { parsed, obj } of chunks) {
    const t = txns.get(parsed.parent);
    if (!t || t.txn === "" || parsed.txn !== "" || parsed.control !== undefined) continue;
    if ((parsed.index as number) < (firstUnmoved.get(parsed.parent) ?? t.nchunks)) out.add(obj);
  }
  return out;
}
