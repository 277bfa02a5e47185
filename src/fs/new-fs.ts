/**
 * Opens a remote string or object: parses it, finds the backend type and options (connection
 * string > env > config file > schema defaults), validates them, builds the Fs and puts the path
 * guard on top. `closeAll` closes what a context built.
 */
import { resolve } from "node:path";
import { defaultRegistry } from "../registry-defaults.js";
import { ConfigStore, type RemoteConfig } from "./config.js";
import { FsError, isFsError } from "./errors.js";
import { formatRemote, parseRemote, remoteBelow } from "./fspath.js";
import { PathGuardFs } from "./layers/path-guard.js";
import { log } from "./log.js";
import { validateOptions } from "./options.js";
import { cleanRemote } from "./path.js";
import type { Registry } from "./registry.js";
import { type RemoteSpec, type RemoteTarget, targetOfSpec } from "./remote-spec.js";
import type { Fs } from "./types.js";
import { closeIdleWorkers } from "./worker-pool.js";

/** What remotes are opened against: the types, the config, the environment, and a cache of built instances. */
export interface FsContext {
  /** The types remotes can have; a type not in it fails to open with `ConfigInvalid`. */
  registry: Registry;
  config: ConfigStore;
  env: NodeJS.ProcessEnv;
  /** Backend options from command-line flags, by type (`{ local: { copy_links: "true" } }`). */
  flags: Record<string, Record<string, string>>;
  /** Features switched off on every remote (rclone's --disable), e.g. `["copy"]`; see `disableFeatures`. */
  disabled: string[];
  /** Server-side operations may take sources from another config of the same type (rclone's --server-side-across-configs). */
  serverSideAcrossConfigs?: boolean;
  /** Instances by canonical remote string. */
  cache: Map<string, Promise<Fs>>;
}

/** A context; `registry` defaults to every backend and overlay (`defaultRegistry()`). */
export function createContext(
  config: ConfigStore = ConfigStore.inMemory(),
  env = process.env,
  flags: FsContext["flags"] = {},
  disabled: string[] = [],
  registry: Registry = defaultRegistry(),
): FsContext {
  return { registry, config, env, flags, disabled, cache: new Map() };
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
 * Opens `spec`: a remote string (`/path`, `name:path`, `:type,k=v:path`, `name,k=v:path`) or a
 * `RemoteSpec` object (`{ type: "crypt", remote: "/data", password: "<obscured>" }`, the same as
 * the on-the-fly string). Instances are cached in `ctx` (default: the process-wide context).
 * Throws `ConfigInvalid` for unknown remotes, types or bad options and for a remote that refers to
 * itself (directly or through others), `Usage` for a malformed string.
 */
export async function newFs(spec: string | RemoteSpec, ctx?: FsContext): Promise<Fs> {
  return open(typeof spec === "string" ? targetOf(spec) : targetOfSpec(spec), ctx ?? (await getDefaultContext()), []);
}

/**
 * Closes every remote `ctx` built (default: the process-wide context, if one was made) and empties
 * its cache, and ends the idle worker threads (hashing, decryption), so a program can exit at once; remotes opened
 * afterwards are built anew. Every remote is closed even when one fails; the first failure is
 * thrown after.
 */
export async function closeAll(ctx: FsContext | undefined = defaultContext): Promise<void> {
  const instances = ctx ? [...ctx.cache.values()] : [];
  ctx?.cache.clear();
  const closed = await Promise.allSettled(
    instances.map(async (building) => (await building.catch(() => undefined))?.close?.()),
  );
  await closeIdleWorkers();
  const failed = closed.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
}

function targetOf(spec: string): RemoteTarget {
  const parsed = parseRemote(spec);
  return { ...parsed, key: formatRemote(parsed) };
}

/**
 * A remote on the way down a stack being opened. Its config is all that decides what it opens
 * below it (the path only moves the root), so meeting the same `id` below it again never ends.
 */
interface Link {
  /** The name (or `:type`) with the connection string's options, without the path. */
  id: string;
  /** How messages name it. */
  label: string;
}

/** Instances whose construction has finished (successfully). */
const built = new WeakSet<Promise<Fs>>();

function open(parsed: RemoteTarget, ctx: FsContext, chain: readonly Link[]): Promise<Fs> {
  const link = linkOf(parsed);
  const loopsAt = link ? chain.findIndex((l) => l.id === link.id) : -1;
  if (link && loopsAt >= 0) throw refersToItself(ctx, [...chain.slice(loopsAt), link]);
  const key = parsed.key;
  const cached = ctx.cache.get(key);
  // A remote opened from inside another one's construction takes only finished instances: waiting
  // for one still under construction elsewhere could be waiting for itself (a opens b while b
  // opens a), a wait nothing ends. It builds its own instead, and its chain finds the loop.
  if (cached && (chain.length === 0 || built.has(cached))) return cached;
  log.debug(undefined, `Creating backend with remote ${JSON.stringify(key)}`);
  const fs = build(parsed, ctx, link ? [...chain, link] : chain);
  if (!cached) {
    ctx.cache.set(key, fs);
    fs.then(
      () => built.add(fs),
      () => ctx.cache.delete(key),
    );
  }
  return fs;
}

/** A configured or on-the-fly remote as a link of a chain; undefined for a local path, which opens nothing below. */
function linkOf(parsed: RemoteTarget): Link | undefined {
  if (parsed.name === undefined && parsed.type === undefined) return undefined;
  return {
    // Both forms of key end with ":" and the path.
    id: parsed.key.slice(0, parsed.key.length - parsed.path.length),
    label: parsed.type !== undefined ? `:${parsed.type}` : (parsed.name as string),
  };
}

/** `remote "x": refers to itself: x → y → x`, under the config file's name when `x` is defined there. */
function refersToItself(ctx: FsContext, loop: Link[]): FsError {
  const first = (loop[0] as Link).label;
  const where = first.startsWith(":") ? `remote "${first}"` : configured(ctx, first);
  return new FsError("ConfigInvalid", `${where}: refers to itself: ${loop.map((l) => l.label).join(" → ")}`);
}

/** How messages name a configured remote: with the config file it is (or would be) in. */
function configured(ctx: FsContext, name: string): string {
  return ctx.config.path ? `config file "${ctx.config.path}": remote "${name}"` : `remote "${name}"`;
}

async function build(parsed: RemoteTarget, ctx: FsContext, chain: readonly Link[]): Promise<Fs> {
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
    where = configured(ctx, parsed.name);
    if (!config) throw new FsError("ConfigInvalid", `${where}: didn't find section in config file`);
    type = config.type;
    const { type: _type, ...file } = ctx.config.stored(parsed.name) ?? { type };
    fromFile = file;
    fromRemoteEnv = ctx.config.envOverrides(parsed.name);
    delete fromRemoteEnv.type;
    name = parsed.name;
  } else {
    type = "local";
    name = "local";
    where = "local path";
    root = resolve(parsed.path);
  }
  const descriptor = await ctx.registry.descriptor(type).catch((err: unknown) => {
    throw isFsError(err, "ConfigInvalid") ? new FsError("ConfigInvalid", `${where}: ${err.message}`) : err;
  });
  const fromTypeEnv = typeEnv(ctx.env, type, Object.keys(descriptor.options.properties));
  // rclone's precedence: connection string > flags > remote env > backend env > config file > defaults.
  const { [DISABLE_KEY]: disable, ...raw } = {
    ...fromFile,
    ...fromTypeEnv,
    ...fromRemoteEnv,
    ...ctx.flags[type],
    ...parsed.params,
  };
  const options = await validateOptions(descriptor, raw, where);
  const below = async (spec: string) => open(targetOf(spec), ctx, chain);
  const subpath = () => cleanRemote(root.replace(/^\/+/, ""));
  const fs = await descriptor.create({
    name,
    root,
    options,
    acrossConfigs: ctx.serverSideAcrossConfigs ?? false,
    newFs: below,
    subpath,
    openBelow: (remote, path = subpath()) => below(remoteBelow(remote, path)),
  });
  return new PathGuardFs(fs, [...ctx.disabled, ...featureList(disable)]);
}

/**
 * The option any remote takes besides its type's own: features to switch off on that remote alone, as
 * --disable does for all (`:memory,disable="copy,move":`, or `disable = copy,move` in a config file).
 */
export const DISABLE_KEY = "disable";

/** A comma-separated feature list (or a JSON5 array of names) as names. */
function featureList(value: unknown): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value.map(String) : String(value).split(",");
  return items.map((d) => d.trim()).filter((d) => d !== "");
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
