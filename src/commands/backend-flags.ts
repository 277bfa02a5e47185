/**
 * rclone's backend flags, generated from each backend's and overlay's option schema:
 * `--<type>-<option>` with the option's underscores as dashes (`--s3-chunk-size`, `--crypt-password`).
 * A value applies to every remote of that type the command opens, below the connection string and
 * above the environment and the config file (new-fs.ts merges them). The environment form of these
 * is the backends' own `STRATA_<TYPE>_<OPTION>`, read when a remote opens.
 */
import { FsError } from "../fs/errors.js";
import { validateOptions } from "../fs/options.js";
import type { Descriptor, OptionSpec } from "../fs/registry.js";
import { defaultRegistry } from "../registry-defaults.js";
import type { FlagSpec } from "./flag-spec.js";

/** The types the CLI knows: every backend and overlay. */
const registry = defaultRegistry();

/** Values by type and option key, as `FsContext.flags` holds them. */
export type BackendFlagValues = Record<string, Record<string, string>>;

const flagName = (type: string, key: string) => `${type}-${key.replaceAll("_", "-")}`;

function flagSpec(type: string, key: string, spec: OptionSpec): FlagSpec {
  const label = spec.size ? "SizeSuffix" : spec.duration ? "Duration" : undefined;
  const kind = spec.type === "boolean" ? "boolean" : spec.type === "integer" && !label ? "number" : "string";
  return { name: flagName(type, key), type: kind, label, default: spec.default, description: spec.description };
}

/** Every backend flag, for `help flags`. */
export async function allBackendFlags(): Promise<FlagSpec[]> {
  const out: FlagSpec[] = [];
  for (const type of registry.types()) {
    const d = await registry.descriptor(type);
    for (const [key, spec] of Object.entries(d.options.properties)) out.push(flagSpec(type, key, spec));
  }
  return out;
}

/** The type and option a `--name` refers to, if it is a backend flag. */
async function resolveFlag(name: string): Promise<{ d: Descriptor; key: string; spec: OptionSpec } | undefined> {
  for (const type of registry.types()) {
    if (!name.startsWith(`${type}-`)) continue;
    const d = await registry.descriptor(type);
    const key = name.slice(type.length + 1).replaceAll("-", "_");
    const spec = d.options.properties[key];
    if (spec) return { d, key, spec };
  }
  return undefined;
}

/** Checks one value with the type's schema (its required options aside), so a bad value fails before any work. */
async function validate(d: Descriptor, key: string, value: string, flag: string): Promise<void> {
  const alone: Descriptor = { ...d, options: { ...d.options, required: [] } };
  await validateOptions(alone, { [key]: value }, `flag --${flag}`);
}

/**
 * Takes the backend flags out of a command line: returns the other arguments and the values by type.
 * A boolean flag without `=value` is true. Throws `Usage` for a flag without its value and
 * `ConfigInvalid` naming the flag and option for a value its schema refuses.
 */
export async function extractBackendFlags(
  args: readonly string[],
): Promise<{ rest: string[]; values: BackendFlagValues }> {
  const rest: string[] = [];
  const values: BackendFlagValues = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    const eq = a.indexOf("=");
    const name = a.startsWith("--") ? a.slice(2, eq < 0 ? undefined : eq) : "";
    const found = name === "" ? undefined : await resolveFlag(name);
    if (!found) {
      rest.push(a);
      continue;
    }
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (value === undefined) {
      if (found.spec.type === "boolean") value = "true";
      else if (i + 1 < args.length) value = args[++i] as string;
      else throw new FsError("Usage", `flag needs an argument: --${name}`);
    }
    await validate(found.d, found.key, value, name);
    values[found.d.name] = { ...values[found.d.name], [found.key]: value };
  }
  return { rest, values };
}
