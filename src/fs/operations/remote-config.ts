/** Editing named remotes: what `config create/update/delete` do, checked against the type's schema. */

import { defaultRegistry } from "../../registry-defaults.js";
import type { ConfigStore, RemoteConfig } from "../config.js";
import { FsError } from "../errors.js";
import { isValidRemoteName } from "../fspath.js";
import { looksObscured, obscure } from "../obscure.js";
import { validateOptions } from "../options.js";
import type { Registry } from "../registry.js";

export interface EditOptions {
  /** Obscure password options even if they look obscured already. */
  obscure?: boolean;
  /** Store password options as given. */
  noObscure?: boolean;
  /** Where the remote's type is looked up (default: every backend and overlay). */
  registry?: Registry;
}

/** Parses `key=value` arguments (dashes in keys become underscores, as in rclone). */
export function parseKeyValues(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) throw new FsError("Usage", `expected key=value, found "${arg}"`);
    out[arg.slice(0, eq).replaceAll("-", "_")] = arg.slice(eq + 1);
  }
  return out;
}

/**
 * Creates or updates remote `name` with `values` merged over what is there, obscuring password
 * options as rclone does (unless they already reveal cleanly), validating, then saving the file.
 * Throws `ConfigInvalid` naming the key that is wrong; nothing is written then.
 */
export async function setRemote(
  store: ConfigStore,
  name: string,
  type: string | undefined,
  values: Record<string, string>,
  options: EditOptions = {},
): Promise<RemoteConfig> {
  if (!isValidRemoteName(name)) throw new FsError("Usage", `invalid remote name "${name}"`);
  const existing = store.stored(name);
  const finalType = type ?? existing?.type;
  if (!finalType) throw new FsError("ConfigInvalid", `remote "${name}" does not exist`);
  const descriptor = await (options.registry ?? defaultRegistry()).descriptor(finalType);
  const merged: RemoteConfig = { ...(existing?.type === finalType ? existing : {}), type: finalType };
  for (const [key, value] of Object.entries(values)) {
    const spec = descriptor.options.properties[key];
    const hide = spec?.obscured && value !== "" && !options.noObscure && (options.obscure || !looksObscured(value));
    merged[key] = hide ? obscure(value) : value;
  }
  await validateOptions(descriptor, merged, `remote "${name}"`);
  store.set(name, merged);
  await store.save();
  return merged;
}

/** Removes remote `name` and saves. Throws `ConfigInvalid` if there is no such remote. */
export async function deleteRemote(store: ConfigStore, name: string): Promise<void> {
  if (!store.delete(name)) throw new FsError("ConfigInvalid", `remote "${name}" not found in config`);
  await store.save();
}
