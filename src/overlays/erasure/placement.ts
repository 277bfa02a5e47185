/**
 * Where each shard of a file goes (docs/erasure.md, "Pool and placement"). Without a pool, shard i
 * lives on upstream i. With a pool, a file's k + m shards go to as many distinct upstreams, spread
 * over the groups as evenly as their reachable members allow (which minimises what any loss the
 * domains allow costs, domains.ts); within a group the upstream this Fs has placed the fewest
 * bytes on comes first, then the one with the most free space (its `about`, asked once), then a
 * rendezvous hash of the file's path and the upstream, so separate processes spread as well.
 */
import type { Fs } from "../../fs/types.js";
import { groupOf, spreadCounts } from "./domains.js";
import type { ErasurePlan } from "./options.js";

/** How long placement waits for an upstream's `about` before ranking it without. */
const ABOUT_TIMEOUT_MS = 2000;

export class Placement {
  /** Bytes of shards this Fs has placed on each upstream. */
  private readonly placed: number[];
  private free: Promise<(number | undefined)[]> | undefined;
  private readonly group: Map<number, number>;

  constructor(
    private readonly plan: ErasurePlan,
    private readonly upstreams: readonly Fs[],
  ) {
    this.placed = upstreams.map(() => 0);
    this.group = groupOf(plan.domains);
  }

  /**
   * The upstream of every shard of a version of `remote`, by shard index (k + m of them, the
   * version's own). `held` gives the upstream of each shard it has already (-1 where it has none),
   * which stays; the others get homes, each counted as `shardBytes` placed. Upstreams in `down` are
   * used only when too few others are left (the write there fails and says so). Without a pool a
   * shard goes to its own index's upstream unless that one holds another shard of the version.
   */
  async homes(
    remote: string,
    held: readonly number[],
    shardBytes: number,
    down: ReadonlySet<number>,
  ): Promise<number[]> {
    const out = [...held];
    const used = new Set(held.filter((u) => u >= 0));
    let wanted = out.flatMap((u, i) => (u < 0 ? [i] : []));
    if (!this.plan.pool) {
      for (const i of wanted) {
        if (i < this.upstreams.length && !used.has(i)) {
          out[i] = i;
          used.add(i);
        }
      }
      wanted = wanted.filter((i) => out[i] === -1);
    }
    if (wanted.length === 0) return out;
    const free = this.plan.pool ? await this.freeSpace() : [];
    const rank = (u: number): [number, number, number] => [
      this.placed[u] as number,
      -(free[u] ?? 0),
      rendezvous(remote, this.plan.remotes[u] ?? String(u)),
    ];
    const assign = (u: number) => {
      out[wanted.shift() as number] = u;
      used.add(u);
      this.placed[u] = (this.placed[u] as number) + shardBytes;
    };
    const open = (members: readonly number[], avoid: ReadonlySet<number>) =>
      members.filter((u) => !used.has(u) && !avoid.has(u)).sort((a, b) => compare(rank(a), rank(b)));
    const groups = this.plan.domains.groups;
    const caps = groups.map((g) => open(g, down).length);
    const reachable = Math.min(
      wanted.length,
      caps.reduce((a, b) => a + b, 0),
    );
    // Best first across all groups, so a tie in shard counts goes to the group with the best upstream.
    const order = () => open(groups.flat(), down);
    spreadCounts(reachable, caps, {
      start: groups.map((g) => g.filter((u) => used.has(u)).length),
      prefer: (g) => order().findIndex((u) => this.group.get(u) === g),
      place: (g) => assign(open(groups[g] as number[], down)[0] as number),
    });
    // Too few reachable upstreams: the rest go where the write will fail, or share an upstream.
    while (wanted.length > 0) assign(open(groups.flat(), new Set())[0] ?? bestOf(this.upstreams.length, rank));
    return out;
  }

  /** Each upstream's free bytes, where its `about` says within a short wait; asked once per Fs. */
  private freeSpace(): Promise<(number | undefined)[]> {
    this.free ??= Promise.all(
      this.upstreams.map(async (u) => {
        const about = u.features.about;
        if (!about) return undefined;
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), ABOUT_TIMEOUT_MS);
          timer.unref();
        });
        try {
          return (await Promise.race([about().then((usage) => usage.free), late])) ?? undefined;
        } catch {
          return undefined;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return this.free;
  }
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function bestOf(n: number, rank: (u: number) => readonly number[]): number {
  let best = 0;
  for (let u = 1; u < n; u++) if (compare(rank(u), rank(best)) < 0) best = u;
  return best;
}

/** FNV-1a of the file's path and the upstream's remote string: the same in every process. */
function rendezvous(remote: string, upstream: string): number {
  let h = 0x811c9dc5;
  for (const c of `${remote}\u0000${upstream}`) {
    h ^= c.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
