/**
 * Opens a remote string: parses it, finds the backend type and options (connection string > env >
 * config file > schema defaults), validates them, builds the Fs and puts the path guard on top.
 */
import { resolve } from "node:path";
import { ConfigStore, type RemoteConfig } from "./config.js";
import { FsError } from "./errors.js";
import { formatRemote, parseRemote } from "./fspath.js";
import { PathGuardFs } from "./layers/path-guard.js";
import { validateOptions } from "./options.js";
import { getDescriptor } from "./registry.js";
import type { Fs } from "./types.js";
import "../backends/index.js";
import "../overlays/index.js";

/** How deep overlays may nest before a remote that refers to itself is assumed. */
const MAX_DEPTH = 16;

/** What remotes are opened against: the config, the environment, and a cache of built instances. */
export interface FsContext {
  config: ConfigStore;
  env: NodeJS.ProcessEnv;
  /** Backend options from command-line flags, by type (`{ local: { copy_links: "true" } }`). */
  flags: Record<string, Record<string, string>>;
  /** Optional operations hidden on every remote (rclone's --disable), e.g. `["copy"]`. */
  disabled: string[];
  /** Instances by canonical remote string. */
  cache: Map<string, Promise<Fs>>;
}

export function createContext(
  config: ConfigStore = ConfigStore.inMemory(),
  env = process.env,
  flags: FsContext["flags"] = {},
  disabled: string[] = [],
): FsContext {
  return { config, env, flags, disabled, cache: new Map() };
}

let defaultContext: FsContext | undefined;

/** The process-wide context (config from `STRATA_CONFIG` or the default path), set up on first use. */
export async function getDefaultContext(): Promise<FsContext> {
  defaultContext ??= createContext(await ConfigStore.load());
  return defaultContext;
}

export function setDefaultContext(ctx: FsContext): void {
  defaultContext = ctx;
}

/**
 * Opens `spec` (`/path`, `name:path`, `:type,k=v:path`, `name,k=v:path`).
 * Throws `ConfigInvalid` for unknown remotes, types or bad options, `Usage` for a malformed string.
 */
export async function newFs(spec: string, ctx?: FsContext): Promise<Fs> {
  return open(spec, ctx ?? (await getDefaultContext()), 0);
}

function open(spec: string, ctx: FsContext, depth: number): Promise<Fs> {
  if (depth > MAX_DEPTH)
    throw new FsError("ConfigInvalid", `remotes nest deeper than ${MAX_DEPTH}: loop?`, { path: spec });
  const parsed = parseRemote(spec);
  const key = formatRemote(parsed);
  let fs = ctx.cache.get(key);
  if (!fs) {
    fs = build(parsed, ctx, depth);
    ctx.cache.set(key, fs);
    fs.catch(() => ctx.cache.delete(key));
  }
  return fs;
}

async function build(parsed: ReturnType<typeof parseRemote>, ctx: FsContext, depth: number): Promise<Fs> {
  let type: string;
  let name: string;
  let fromFile: Record<string, unknown> = {};
  let fromRemoteEnv: Record<string, unknown> = {};
  let where: string;
  let root = parsed.path;
  if (parsed.type !== undefined) {
    type = parsed.type;
    name = `:${type}`;
    where = `remote ":${type}"`;
  } else if (parsed.name !== undefined) {
    const config: RemoteConfig | undefined = ctx.config.get(parsed.name);
    if (!config) {
      throw new FsError("ConfigInvalid", `didn't find section in config file ("${parsed.name}")`, {
        path: parsed.name,
      });
    }
    type = config.type;
    const { type: _type, ...file } = ctx.config.stored(parsed.name) ?? { type };
    fromFile = file;
    fromRemoteEnv = ctx.config.envOverrides(parsed.name);
    delete fromRemoteEnv.type;
    name = parsed.name;
    where = ctx.config.path ? `config file "${ctx.config.path}": remote "${name}"` : `remote "${name}"`;
  } else {
    type = "local";
    name = "local";
    where = "local path";
    root = resolve(parsed.path);
  }
  const descriptor = await getDescriptor(type);
  const fromTypeEnv = typeEnv(ctx.env, type, Object.keys(descriptor.options.properties));
  // rclone's precedence: connection string > flags > remote env > backend env > config file > defaults.
  const raw = { ...fromFile, ...fromTypeEnv, ...fromRemoteEnv, ...ctx.flags[type], ...parsed.params };
  const options = await validateOptions(descriptor, raw, where);
  const fs = await descriptor.create({
    name,
    root,
    options,
    newFs: (spec) => open(spec, ctx, depth + 1),
  });
  return new PathGuardFs(fs, ctx.disabled);
}

/** Backend-wide env options, `STRATA_<TYPE>_<KEY>` (below a remote's own config in precedence). */
function typeEnv(env: NodeJS.ProcessEnv, type: string, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const prefix = `STRATA_${type.toUpperCase()}_`;
  for (const key of keys) {
    const value = env[`${prefix}${key.toUpperCase()}`];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
