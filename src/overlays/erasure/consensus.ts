/**
 * What the shards of one version agree on. Each header and trailer is checked on its own first
 * (format.ts); what is left, a valid header or trailer saying something other than its siblings
 * (a forged one with its checksum recomputed, a shard from another upload renamed into place), is
 * settled by majority: the outvoted shard is bad, not the file.
 */
import type { ShardHeader, ShardTrailer } from "./format.js";

/** The fields every header of a version shares (k, m and the VID are checked against the name). */
function headerKey(h: ShardHeader): string {
  return `${h.segmentSize}/${h.modTimeNs}`;
}

/**
 * The header most shards agree on (its `index` is one of theirs), or undefined when none is
 * valid. A tie goes to the one with `preferredSegmentSize` (the configured one), then to the one
 * the lowest shard index holds.
 */
export function voteHeaders(
  headers: readonly (ShardHeader | undefined)[],
  preferredSegmentSize: number,
): ShardHeader | undefined {
  const counts = new Map<string, { header: ShardHeader; votes: number }>();
  for (const h of headers) {
    if (!h) continue;
    const key = headerKey(h);
    const c = counts.get(key);
    if (c) c.votes++;
    else counts.set(key, { header: h, votes: 1 });
  }
  let best: { header: ShardHeader; votes: number } | undefined;
  for (const c of counts.values()) {
    const better =
      !best ||
      c.votes > best.votes ||
      (c.votes === best.votes &&
        c.header.segmentSize === preferredSegmentSize &&
        best.header.segmentSize !== preferredSegmentSize);
    if (better) best = c;
  }
  return best?.header;
}

/** Why header `h` is outvoted by `winner`, or undefined when it agrees. */
export function disagreement(h: ShardHeader, winner: ShardHeader): string | undefined {
  if (h.segmentSize !== winner.segmentSize) {
    return `header says segment size ${h.segmentSize}, the other shards ${winner.segmentSize}`;
  }
  if (h.modTimeNs !== winner.modTimeNs) return "header's modtime differs from the other shards'";
  return undefined;
}

/** The whole-file hashes most valid trailers agree on (ties: the lowest shard index's). */
export function voteTrailers(trailers: readonly (ShardTrailer | undefined)[]): ShardTrailer | undefined {
  const counts = new Map<string, { trailer: ShardTrailer; votes: number }>();
  for (const t of trailers) {
    if (!t) continue;
    const key = `${t.md5}/${t.sha1}`;
    const c = counts.get(key);
    if (c) c.votes++;
    else counts.set(key, { trailer: t, votes: 1 });
  }
  let best: { trailer: ShardTrailer; votes: number } | undefined;
  for (const c of counts.values()) if (!best || c.votes > best.votes) best = c;
  return best?.trailer;
}
