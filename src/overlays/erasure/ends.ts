/**
 * A shard's two ends, read apart from its pieces: the header and the trailer, and the vote over
 * every shard's header that settles what a version's shards disagree on.
 */
import { toBytes } from "../../fs/body.js";
import type { CallOptions, FsObject } from "../../fs/types.js";
import { voteHeaders } from "./consensus.js";
import { decodeTrailer, HEADER_SIZE, headerFor, Layout, type ShardHeader, TRAILER_SIZE } from "./format.js";

/** The first bytes of a shard object: its header. */
export async function readHead(obj: FsObject, options?: CallOptions): Promise<Uint8Array> {
  return toBytes(await obj.open({ signal: options?.signal, offset: 0, length: HEADER_SIZE }));
}

/** The last bytes of a shard object: its trailer, when the object is whole. */
export async function readTail(obj: FsObject, options?: CallOptions): Promise<Uint8Array> {
  return toBytes(
    await obj.open({ signal: options?.signal, offset: Math.max(0, obj.size - TRAILER_SIZE), length: TRAILER_SIZE }),
  );
}

/** The version whose headers are put to the vote. */
export interface VotingVersion {
  size: number;
  vid: number;
  k: number;
  m: number;
  shards: readonly (FsObject | undefined)[];
}

/** The outcome of a vote: the winning header, and whether a valid trailer confirms it. */
export interface HeaderVote {
  header: ShardHeader;
  confirmed: boolean;
}

/**
 * Reads the header and trailer of every shard of `v` and returns the header most shards agree on
 * (`voteHeaders`; ties go to `preferredSegmentSize`). A header whose own trailer is valid and fits
 * it (the trailer's checksum covers the header; its size and segment count match the name and the
 * header's segment size) is confirmed, and only confirmed headers vote while there are any: a header
 * forged with its checksum recomputed leaves its trailer failing, so it cannot outvote the genuine
 * ones. Undefined when no header is valid.
 */
export async function voteVersionHeader(
  v: VotingVersion,
  preferredSegmentSize: number,
  options?: CallOptions,
): Promise<HeaderVote | undefined> {
  const read = await Promise.all(
    v.shards.map(async (obj, index) => {
      if (!obj) return undefined;
      try {
        const [head, tail] = await Promise.all([readHead(obj, options), readTail(obj, options)]);
        const h = headerFor(head, { index, vid: v.vid, k: v.k, m: v.m });
        if (typeof h === "string") return undefined;
        const t = decodeTrailer(tail, head);
        const confirmed =
          typeof t !== "string" && t.size === v.size && t.segments === new Layout(v.size, v.k, h.segmentSize).segments;
        return { header: h, confirmed };
      } catch {
        return undefined;
      }
    }),
  );
  const confirmed = read.flatMap((r) => (r?.confirmed ? [r.header] : []));
  const header = voteHeaders(confirmed.length > 0 ? confirmed : read.map((r) => r?.header), preferredSegmentSize);
  return header && { header, confirmed: confirmed.length > 0 };
}
