/**
 * Failure domains (zstor's model): upstreams are in groups that can fail together, and losing any
 * `redundantGroups` whole groups plus any `redundantNodes` more upstreams must leave every file k
 * shards. Pure arithmetic, shared by the configuration check, placement and re-encode.
 */

export interface FailureDomains {
  /** Upstream indices by group; every upstream is in exactly one (one given no group is a group of its own). */
  groups: number[][];
  redundantGroups: number;
  redundantNodes: number;
}

/** How `spreadCounts` breaks ties and reports its choices. */
export interface SpreadOptions {
  /** Shards each group holds already (a rebuild's surviving shards); default none. */
  start?: readonly number[];
  /** Among groups with equally few shards, the lowest value wins (default: the group's position); asked afresh for each shard. */
  prefer?: (group: number) => number;
  /** Called as each shard goes to a group, in order. */
  place?: (group: number) => void;
}

/**
 * Spreads `n` more shards over groups that can take `caps[g]` more each, as evenly as the caps
 * allow: each next shard goes to a group with the fewest shards so far among those below their
 * cap. That is the most even split there is, so it minimises the shards held by any few groups,
 * i.e. the worst loss (`worstLoss`). Returns the shards per group (start included); undefined when
 * the caps together hold fewer than `n`.
 */
export function spreadCounts(n: number, caps: readonly number[], options: SpreadOptions = {}): number[] | undefined {
  if (caps.reduce((a, b) => a + b, 0) < n) return undefined;
  const counts = caps.map((_, g) => options.start?.[g] ?? 0);
  const added = caps.map(() => 0);
  const order = (g: number) => options.prefer?.(g) ?? g;
  for (let placed = 0; placed < n; placed++) {
    let best = -1;
    for (let g = 0; g < caps.length; g++) {
      if ((added[g] as number) >= (caps[g] as number)) continue;
      const better =
        best < 0 ||
        (counts[g] as number) < (counts[best] as number) ||
        (counts[g] === counts[best] && order(g) < order(best));
      if (better) best = g;
    }
    counts[best] = (counts[best] as number) + 1;
    added[best] = (added[best] as number) + 1;
    options.place?.(best);
  }
  return counts;
}

/** What the worst loss the domains allow takes: shards in the groups lost, and shards on the further upstreams lost. */
export interface Loss {
  inGroups: number;
  nodes: number;
  total: number;
}

/**
 * The most shards a file with `counts` shards per group (at most one per upstream) loses when the
 * `redundantGroups` groups holding most of them go, plus `redundantNodes` more upstreams holding one.
 */
export function worstLoss(
  counts: readonly number[],
  d: Pick<FailureDomains, "redundantGroups" | "redundantNodes">,
): Loss {
  const sorted = [...counts].sort((a, b) => b - a);
  const inGroups = sorted.slice(0, d.redundantGroups).reduce((a, b) => a + b, 0);
  const rest = sorted.slice(d.redundantGroups).reduce((a, b) => a + b, 0);
  const nodes = Math.min(d.redundantNodes, rest);
  return { inGroups, nodes, total: inGroups + nodes };
}

/** The group index of each upstream. */
export function groupOf(d: FailureDomains): Map<number, number> {
  const out = new Map<number, number>();
  for (const [g, members] of d.groups.entries()) for (const u of members) out.set(u, g);
  return out;
}

/**
 * Whether shards at `homes` (upstream per shard; -1 where missing) meet the domains for a version
 * with `m` parity shards: every shard on its own upstream, and the worst loss at most `m`.
 */
export function placementHolds(homes: readonly number[], m: number, d: FailureDomains): boolean {
  const held = homes.filter((u) => u >= 0);
  if (held.length < homes.length || new Set(held).size !== held.length) return false;
  const group = groupOf(d);
  const counts = d.groups.map(() => 0);
  for (const u of held) {
    const g = group.get(u);
    if (g === undefined) return false;
    counts[g] = (counts[g] as number) + 1;
  }
  return worstLoss(counts, d).total <= m;
}

/**
 * Whether losing exactly the upstreams in `down` is within what the domains promise to survive:
 * they fit in `redundantGroups` groups plus `redundantNodes` more upstreams.
 */
export function withinRedundancy(down: ReadonlySet<number>, d: FailureDomains): boolean {
  const perGroup = d.groups.map((members) => members.filter((u) => down.has(u)).length).sort((a, b) => b - a);
  const outside = perGroup.slice(d.redundantGroups).reduce((a, b) => a + b, 0);
  return outside <= d.redundantNodes;
}
