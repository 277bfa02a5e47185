/** The erasure overlay's options: parsing the remote lists and checking that the placement is sound. */
import { FsError } from "../../fs/errors.js";
import { type FailureDomains, spreadCounts, worstLoss } from "./domains.js";
import { MAX_SEGMENT_SIZE } from "./format.js";
import type { ErasureOptions } from "./index.js";

export type { ErasureOptions };

/** Options resolved: defaults filled in, lists parsed, every constraint checked. */
export interface ErasurePlan {
  /** The upstreams; more than k + m make a pool, from which each file's shards take k + m. */
  remotes: string[];
  k: number;
  m: number;
  /** More remotes than k + m: each upload picks its k + m (placement.ts); else shard i lives on remote i. */
  pool: boolean;
  /** The groups as upstream indices (every remote in one), and the losses they must survive. */
  domains: FailureDomains;
  happy: number;
  optimal: number;
  downloadExtra: number;
  segmentSize: number;
}

const invalid = (key: string, why: string) => new FsError("ConfigInvalid", `erasure: option "${key}" ${why}`);

/**
 * Splits a space-separated list of remote strings, as rclone's union `upstreams`: a remote holding
 * spaces, quotes or `;` is written in double or single quotes (a doubled quote inside stands for
 * itself). With `groups`, `;` separates lists.
 */
export function splitRemoteLists(text: string): string[][] {
  const lists: string[][] = [[]];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === ";") {
      lists.push([]);
      i++;
    } else if (c === '"' || c === "'") {
      // Quoted as in rclone's connection strings: a doubled quote stands for itself.
      let token = "";
      let end = i + 1;
      for (;;) {
        const q = text.indexOf(c, end);
        if (q < 0) throw new Error("unterminated quote");
        token += text.slice(end, q);
        if (text[q + 1] !== c) {
          end = q + 1;
          break;
        }
        token += c;
        end = q + 2;
      }
      (lists.at(-1) as string[]).push(token);
      i = end;
    } else {
      let end = i;
      while (end < text.length && !/[\s;]/.test(text[end] as string)) end++;
      (lists.at(-1) as string[]).push(text.slice(i, end));
      i = end;
    }
  }
  return lists;
}

/** Resolves and checks the options; throws `ConfigInvalid` naming the option and saying why. */
export function planErasure(o: ErasureOptions): ErasurePlan {
  let lists: string[][];
  try {
    lists = splitRemoteLists(o.remotes);
  } catch (err) {
    throw invalid("remotes", (err as Error).message);
  }
  if (lists.length !== 1) throw invalid("remotes", 'is one space-separated list (";" separates groups only)');
  const remotes = lists[0] as string[];
  const m = o.parity_shards;
  if (m < 0) throw invalid("parity_shards", `must not be negative, found ${m}`);
  // data_shards = 0 takes every remote not used for parity, so only an explicit k makes a pool.
  const k = o.data_shards === 0 ? remotes.length - m : o.data_shards;
  if (k < 1) throw invalid("data_shards", `must be at least 1 (with ${remotes.length} remotes and ${m} parity shards)`);
  const n = k + m;
  if (remotes.length < n) {
    throw invalid("remotes", `must list at least data_shards + parity_shards = ${n} remotes, found ${remotes.length}`);
  }
  if (n > 256) throw invalid("remotes", `at most 256 shards, found ${n}`);
  if (new Set(remotes).size !== remotes.length) throw invalid("remotes", "lists a remote twice");
  const { happy, optimal } = storedShardTargets(k, m, o.happy, o.optimal);
  if (happy < k || happy > n) throw invalid("happy", `must be between data_shards (${k}) and ${n}, found ${happy}`);
  if (optimal < happy || optimal > n) {
    throw invalid("optimal", `must be between happy (${happy}) and ${n}, found ${optimal}`);
  }
  if (o.download_extra < 0 || k + o.download_extra > n) {
    throw invalid("download_extra", `must be between 0 and parity_shards (${m}), found ${o.download_extra}`);
  }
  if (!(o.segment_size >= k) || o.segment_size > MAX_SEGMENT_SIZE) {
    throw invalid("segment_size", `must be between data_shards (${k}) bytes and 1Gi, found ${o.segment_size}`);
  }
  const domains = failureDomains(o, remotes, n, m);
  const pool = remotes.length > n;
  return { remotes, k, m, pool, domains, happy, optimal, downloadExtra: o.download_extra, segmentSize: o.segment_size };
}

/**
 * `happy` and `optimal` with their defaults (0) filled in. `optimal` defaults to k + ceil(m/2): an
 * upload may cut half the parity's worth of shards as its long tail, so one or two slow remotes
 * cost a degraded file (restored by `erasure rebuild`) instead of setting the pace, and the file
 * still survives ceil(m/2) losses right away. `happy` defaults to `optimal`: an upload that cannot
 * store even that many fails rather than leave a file weaker than the long tail would.
 */
export function storedShardTargets(
  k: number,
  m: number,
  happy: number,
  optimal: number,
): { happy: number; optimal: number } {
  const tail = k + Math.ceil(m / 2);
  const h = happy !== 0 ? happy : optimal !== 0 ? optimal : tail;
  return { happy: h, optimal: optimal !== 0 ? optimal : Math.max(tail, h) };
}

/**
 * Parses `groups` into upstream indices (remotes in no group are groups of one) and checks zstor's
 * rule: losing any `redundant_groups` whole groups plus any `redundant_nodes` more remotes must
 * leave at least k shards of every file. Each file's n shards are spread over the groups as evenly
 * as their sizes allow (as placement does), and the worst such loss of that spread must be at most m.
 */
function failureDomains(o: ErasureOptions, remotes: string[], n: number, m: number): FailureDomains {
  let named: string[][];
  try {
    named = o.groups.trim() === "" ? [] : splitRemoteLists(o.groups).filter((g) => g.length > 0);
  } catch (err) {
    throw invalid("groups", (err as Error).message);
  }
  const seen = new Set<string>();
  for (const g of named) {
    for (const r of g) {
      if (!remotes.includes(r)) throw invalid("groups", `names "${r}", which is not in remotes`);
      if (seen.has(r)) throw invalid("groups", `puts "${r}" in two groups`);
      seen.add(r);
    }
  }
  const groups = named.map((g) => g.map((r) => remotes.indexOf(r)));
  for (const [i, r] of remotes.entries()) if (!seen.has(r)) groups.push([i]);
  if (o.redundant_groups < 0 || o.redundant_nodes < 0) {
    throw invalid(o.redundant_groups < 0 ? "redundant_groups" : "redundant_nodes", "must not be negative");
  }
  if (o.redundant_groups > groups.length) {
    throw invalid("redundant_groups", `is ${o.redundant_groups}, but there are only ${groups.length} groups`);
  }
  const domains = { groups, redundantGroups: o.redundant_groups, redundantNodes: o.redundant_nodes };
  const counts = spreadCounts(
    n,
    groups.map((g) => g.length),
  ) as number[];
  const loss = worstLoss(counts, domains);
  if (loss.total > m) {
    const key = o.redundant_nodes > 0 && loss.inGroups <= m ? "redundant_nodes" : "redundant_groups";
    const sizes = groups.map((g) => g.length).join(", ");
    throw invalid(
      key,
      `cannot be met: the ${n} shards of a file (data_shards + parity_shards) spread as evenly as possible over ` +
        `${groups.length} group(s) of ${sizes} remote(s) put ${counts.join(", ")} in them; losing the ` +
        `${o.redundant_groups} group(s) holding most (${loss.inGroups} shards) and ${o.redundant_nodes} more ` +
        `remote(s) (${loss.nodes} shards) loses ${loss.total} shards, but parity_shards is ${m}`,
    );
  }
  return domains;
}
