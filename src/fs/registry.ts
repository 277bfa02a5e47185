/**
 * Backend and overlay descriptors: a type name, a JSON Schema of the options (rclone's snake_case
 * names, so rclone.conf maps one to one) and a constructor. Descriptors are cheap to import; each
 * `create` imports its implementation lazily so heavy SDKs load only for remotes that use them.
 */
import { FsError } from "./errors.js";
import type { OptionsOf } from "./option-types.js";
import type { Fs } from "./types.js";

/** One option. `size`/`duration` values accept rclone's suffixes; `obscured` ones are revealed before `create`. */
export interface OptionSpec {
  type: "string" | "boolean" | "integer" | "number" | "array";
  description: string;
  default?: unknown;
  enum?: readonly (string | number)[];
  items?: { readonly type: "string" };
  minimum?: number;
  /** A size such as `100M` (a bare number is KiB, as in rclone). */
  size?: boolean;
  /** A duration such as `1m30s`. */
  duration?: boolean;
  /**
   * A string holding a space-separated list (rclone's union `upstreams`, erasure's `remotes`, items
   * with spaces quoted): a JSON5 array of strings is accepted too and handed over joined that way.
   */
  list?: boolean;
  /** Stored obscured in config and connection strings (rclone's IsPassword). */
  obscured?: boolean;
  /** Hidden by `config show` (tokens, keys). */
  secret?: boolean;
  /** Shown only by `help backend` under advanced options. */
  advanced?: boolean;
}

export interface OptionsSchema {
  type: "object";
  properties: Readonly<Record<string, OptionSpec>>;
  required?: readonly string[];
  additionalProperties: false;
}

/** What `create` receives: everything a descriptor needs from the context it is opened in. */
export interface CreateArgs<O> {
  /** Config name, or `:type` for on-the-fly remotes. */
  name: string;
  /** The path after the colon. */
  root: string;
  options: O;
  /** Server-side operations may take sources from other configs of the type (--server-side-across-configs). */
  acrossConfigs: boolean;
  /** Opens another remote string (an overlay's `remote`) one level deeper. */
  newFs(spec: string): Promise<Fs>;
  /** `root` as a path inside a wrapped remote: relative and cleaned. Throws `PathEscape` for one climbing out. */
  subpath(): string;
  /** Opens `path` (default: `subpath()`) below the remote string `remote`, one level deeper (see `remoteBelow`). */
  openBelow(remote: string, path?: string): Promise<Fs>;
}

export interface Descriptor<O = Record<string, unknown>> {
  name: string;
  kind: "backend" | "overlay";
  description: string;
  options: OptionsSchema;
  create(args: CreateArgs<O>): Promise<Fs>;
}

/**
 * A descriptor whose `create` receives options typed from its own schema (`OptionsOf`), so the
 * schema (declared `as const satisfies OptionsSchema`) is the one declaration of a type's options.
 */
export function defineDescriptor<const S extends OptionsSchema>(
  d: Omit<Descriptor<OptionsOf<S>>, "options"> & { options: S },
): Descriptor {
  return d as unknown as Descriptor;
}

/** Loads a descriptor on first use, so a type's code (and SDK) loads only when a remote of it opens. */
export type DescriptorLoader = () => Promise<Descriptor>;

/**
 * The types a context can open, by name. `newFs` looks types up in its context's registry, so a
 * program can build one with only the types it wants (`new Registry({ memory: BACKENDS.memory })`);
 * `defaultRegistry()` (`src/registry-defaults.ts`) has every backend and overlay.
 */
export class Registry {
  private readonly loaders = new Map<string, DescriptorLoader>();

  constructor(entries: Record<string, DescriptorLoader> = {}) {
    this.add(entries);
  }

  /** Adds (or replaces) types by name; returns this registry. */
  add(entries: Record<string, DescriptorLoader>): this {
    for (const [name, load] of Object.entries(entries)) this.loaders.set(name, load);
    return this;
  }

  /** The type names, sorted. */
  types(): string[] {
    return [...this.loaders.keys()].sort();
  }

  /** The descriptor of a type. Throws `ConfigInvalid` naming the unknown type and the known ones. */
  async descriptor(type: string): Promise<Descriptor> {
    const load = this.loaders.get(type);
    if (!load) {
      throw new FsError("ConfigInvalid", `unknown backend type "${type}" (known: ${this.types().join(", ")})`);
    }
    return load();
  }
}
