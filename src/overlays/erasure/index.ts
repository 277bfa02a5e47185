/**
 * erasure: Reed-Solomon k-of-n over several upstream remotes. Each file is stored as n shards on n
 * distinct upstreams (of a pool, when there are more), any k of which rebuild it (docs/erasure.md;
 * format: docs/erasure-format.md).
 */
import { isFsError } from "../../fs/errors.js";
import { remoteBelow } from "../../fs/fspath.js";
import { log } from "../../fs/log.js";
import type { OptionsOf } from "../../fs/option-types.js";
import { defineDescriptor, type OptionsSchema } from "../../fs/registry.js";
import { planErasure } from "./options.js";

/** The erasure options `create` receives, derived from the schema below. */
export type ErasureOptions = OptionsOf<typeof schema>;

/** The erasure options, declared once: ajv checks and defaults them by this, and their type comes from it. */
const schema = {
  type: "object",
  properties: {
    remotes: {
      type: "string",
      list: true,
      description:
        'Space-separated list of upstream remotes (quote a remote with spaces: "my remote:dir"); a JSON5 array in a config file. More than data_shards + parity_shards make a pool: each file goes to that many of them.',
    },
    data_shards: {
      type: "integer",
      default: 0,
      description: "Shards needed to read a file (k). 0: every remote not used for parity (no pool).",
    },
    parity_shards: {
      type: "integer",
      default: 2,
      description: "Extra shards (m): how many remotes may be lost without losing data.",
    },
    happy: {
      type: "integer",
      default: 0,
      description:
        "Shards that must be stored for an upload to succeed; an upload storing fewer than data_shards + parity_shards logs a NOTICE (degraded). 0: optimal.",
    },
    optimal: {
      type: "integer",
      default: 0,
      description:
        "Shards an upload waits for: once this many are stored, or keep up while the others stall it, the rest get a short grace and are then cancelled and removed (long tail). 0: data_shards + ceil(parity_shards / 2).",
      advanced: true,
    },
    download_extra: {
      type: "integer",
      default: 0,
      description:
        "Shards always read beyond data_shards; the first data_shards pieces that verify are used. Without it a read still asks another shard for a segment whose piece is late (hedging).",
      advanced: true,
    },
    segment_size: {
      type: "integer",
      size: true,
      default: 4 * 1024 * 1024,
      description: "Files are encoded in segments of this many bytes; memory per upload is a few segments.",
      advanced: true,
    },
    groups: {
      type: "string",
      default: "",
      description:
        'Failure domains: remotes (as in "remotes") that can fail together, space-separated, groups separated by ";".',
      advanced: true,
    },
    redundant_groups: {
      type: "integer",
      default: 0,
      description: "Whole groups that may be lost; the config is refused if the shards cannot survive it.",
      advanced: true,
    },
    redundant_nodes: {
      type: "integer",
      default: 0,
      description: "Further remotes that may be lost beyond redundant_groups.",
      advanced: true,
    },
  },
  required: ["remotes"],
  additionalProperties: false,
} as const satisfies OptionsSchema;

export default defineDescriptor({
  name: "erasure",
  kind: "overlay",
  description:
    "Spread files over several remotes with Reed-Solomon erasure coding: any data_shards of the " +
    "data_shards + parity_shards remotes give every file back.",
  options: schema,
  async create({ name, options, acrossConfigs, subpath, openBelow }) {
    const plan = planErasure(options);
    const sub = subpath();
    const opened = await Promise.allSettled(plan.remotes.map((remote) => openBelow(remote)));
    // An upstream that is down only costs its shards; a mistake in the config stops everything.
    const failures = opened.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    const mistake = failures.find((err) => !isFsError(err) || isFsError(err, "ConfigInvalid", "Usage", "PathEscape"));
    if (mistake !== undefined || opened.length - failures.length < plan.k) throw mistake ?? failures[0];
    const [{ ErasureFs }, { reedSolomon }, { UnreachableFs }] = await Promise.all([
      import("./fs.js"),
      import("./rs/index.js"),
      import("./unreachable.js"),
    ]);
    const upstreams = opened.map((r, i) => {
      if (r.status === "fulfilled") return r.value;
      const spec = remoteBelow(plan.remotes[i] as string, sub);
      log.notice(spec, `erasure upstream ${i} cannot be reached: ${(r.reason as Error).message}`);
      return new UnreachableFs(name, spec, r.reason);
    });
    return new ErasureFs(name, sub, upstreams, plan, await reedSolomon(plan.k, plan.m), acrossConfigs);
  },
});
