/**
 * Named remotes: a JSON5 file `{ remotes: { NAME: { type, ...options } } }`, or an rclone.conf (INI)
 * read and written in its own format, encrypted again when it was read encrypted. Env
 * `STRATA_CONFIG_<NAME>_<KEY>` overrides (and can define) remotes.
 */
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import JSON5 from "json5";
import { configKey, decryptConfig, encryptConfig, isEncryptedConfig } from "./config-crypt.js";
import { FsError } from "./errors.js";

export interface RemoteConfig {
  type: string;
  [option: string]: unknown;
}

export type ConfigFormat = "json5" | "ini";

export interface LoadOptions {
  /**
   * Gives the password of an encrypted rclone.conf, or undefined when there is none; called only when
   * the file is encrypted. Default: `STRATA_CONFIG_PASS`, else `RCLONE_CONFIG_PASS`, from the env.
   */
  password?: () => Promise<string | undefined>;
}

/** The config password from `STRATA_CONFIG_PASS`, else `RCLONE_CONFIG_PASS` (so rclone users' setups work). */
export function envConfigPassword(env: NodeJS.ProcessEnv): string | undefined {
  return env.STRATA_CONFIG_PASS || env.RCLONE_CONFIG_PASS || undefined;
}

/** Where the config lives: `--config`, else `$STRATA_CONFIG`, else the XDG default. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRATA_CONFIG) return resolve(env.STRATA_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "strata", "strata.json5");
}

/** The env prefix for a remote's overrides: upper case, other characters as `_`. */
export function envPrefix(name: string): string {
  return `STRATA_CONFIG_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_`;
}

export class ConfigStore {
  private constructor(
    /** The file, or undefined for an in-memory config. */
    readonly path: string | undefined,
    readonly format: ConfigFormat,
    private readonly remotes: Record<string, RemoteConfig>,
    private readonly env: NodeJS.ProcessEnv,
    /** Whether the file existed when loaded. */
    readonly exists: boolean,
    /** The key of an encrypted rclone.conf, which `save` encrypts with again. */
    private key?: Uint8Array,
  ) {}

  /** Whether the file is an encrypted rclone.conf. */
  get encrypted(): boolean {
    return this.key !== undefined;
  }

  /** An empty config held in memory (library use and tests). */
  static inMemory(remotes: Record<string, RemoteConfig> = {}, env: NodeJS.ProcessEnv = {}): ConfigStore {
    return new ConfigStore(undefined, "json5", { ...remotes }, env, false);
  }

  /**
   * Loads a config file; a missing file is an empty config. The format is INI when the file starts
   * with a `[section]` (or comments then one) or ends in `.conf`, else JSON5. An encrypted rclone.conf
   * (`RCLONE_ENCRYPT_V0:`) is decrypted with the password `options.password` gives.
   * Throws `ConfigInvalid` naming the file and what is wrong, also for a missing or wrong password.
   */
  static async load(
    path = defaultConfigPath(),
    env: NodeJS.ProcessEnv = process.env,
    options: LoadOptions = {},
  ): Promise<ConfigStore> {
    const file = resolve(path);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        throw configError(file, `cannot be read: ${(err as Error).message}`);
      }
      return new ConfigStore(file, file.endsWith(".conf") ? "ini" : "json5", {}, env, false);
    }
    if (isEncryptedConfig(text, file)) {
      const password = await (options.password ?? (async () => envConfigPassword(env)))();
      if (password === undefined) {
        throw configError(file, "it is encrypted: give its password with --password-command or STRATA_CONFIG_PASS");
      }
      const key = configKey(password);
      return new ConfigStore(file, "ini", parseIni(await decryptConfig(text, key, file), file), env, true, key);
    }
    const ini = file.endsWith(".conf") || /^\s*(?:[#;][^\n]*\n\s*)*\[/.test(text) || text.trim() === "";
    if (ini && !file.endsWith(".json5") && !file.endsWith(".json")) {
      return new ConfigStore(file, "ini", parseIni(text, file), env, true);
    }
    return new ConfigStore(file, "json5", parseJson5Config(text, file), env, true);
  }

  /** Remote names from the file and from `STRATA_CONFIG_<NAME>_TYPE` variables, sorted. */
  names(): string[] {
    const names = new Set(Object.keys(this.remotes));
    for (const key of Object.keys(this.env)) {
      const m = /^STRATA_CONFIG_(.+)_TYPE$/.exec(key);
      if (m) names.add((m[1] as string).toLowerCase());
    }
    return [...names].sort();
  }

  /** A remote's options from the file (without env overrides), or undefined. */
  stored(name: string): RemoteConfig | undefined {
    const r = this.remotes[name];
    return r ? { ...r } : undefined;
  }

  /** A remote's options with env overrides applied, or undefined if it is defined nowhere. */
  get(name: string): RemoteConfig | undefined {
    const base = this.remotes[name];
    const fromEnv = this.envOverrides(name);
    if (!base && fromEnv.type === undefined) return undefined;
    return { ...(base ?? {}), ...fromEnv } as RemoteConfig;
  }

  /** `STRATA_CONFIG_<NAME>_<KEY>` values for a remote, keys lower-cased. */
  envOverrides(name: string): Record<string, string> {
    const prefix = envPrefix(name);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.env)) {
      if (key.startsWith(prefix) && value !== undefined) out[key.slice(prefix.length).toLowerCase()] = value;
    }
    return out;
  }

  set(name: string, config: RemoteConfig): void {
    this.remotes[name] = config;
  }

  delete(name: string): boolean {
    if (!(name in this.remotes)) return false;
    delete this.remotes[name];
    return true;
  }

  /**
   * Encrypts the file from now on with `password` (rclone's "Set configuration password"), or stops
   * encrypting it when undefined, and saves it. Throws `ConfigInvalid` for a JSON5 config (only an
   * rclone.conf can be encrypted) or a password of white space only.
   */
  async setPassword(password: string | undefined): Promise<void> {
    if (this.format !== "ini") throw new FsError("ConfigInvalid", "only an rclone.conf (INI) config can be encrypted");
    this.key = password === undefined ? undefined : configKey(password);
    await this.save();
  }

  /** Everything in the file, as plain JSON (for `config dump`). */
  dump(): Record<string, RemoteConfig> {
    return structuredClone(this.remotes);
  }

  /** Writes the file atomically (temp file + rename), keeping the previous version as `<file>.bak`. */
  async save(): Promise<void> {
    if (!this.path) return;
    const plain = this.format === "ini" ? formatIni(this.remotes) : formatJson5(this.remotes);
    const text = this.key ? await encryptConfig(plain, this.key) : plain;
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    // Not gated on `exists`: a file this store created on an earlier save still needs its backup.
    await copyFile(this.path, `${this.path}.bak`).catch(() => undefined);
    await rename(tmp, this.path);
  }
}

function configError(file: string, why: string): FsError {
  return new FsError("ConfigInvalid", `config file "${file}": ${why}`);
}

/** A value's JSON type in words, for messages (the value itself may be long). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : JSON.stringify(value);
}

const SHAPE = "{ remotes: { NAME: { type, ... } } }";

function parseJson5Config(text: string, file: string): Record<string, RemoteConfig> {
  if (text.trim() === "") throw configError(file, `line 1:1: the file is empty, expected ${SHAPE}`);
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (err) {
    // json5's message is "JSON5: <what> at <line>:<column>"; the position goes first, as for INI.
    const { lineNumber, columnNumber, message } = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const what = message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    throw configError(file, `line ${lineNumber ?? 1}:${columnNumber ?? 1}: not valid JSON5: ${what}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw configError(file, `expected ${SHAPE}, found ${kindOf(data)}`);
  }
  for (const key of Object.keys(data)) {
    if (key !== "remotes") throw configError(file, `unknown top-level key "${key}" (expected "remotes")`);
  }
  const remotes = (data as { remotes?: unknown }).remotes ?? {};
  if (typeof remotes !== "object" || remotes === null || Array.isArray(remotes)) {
    throw configError(file, `"remotes" must be an object of NAME: { type, ... }, found ${kindOf(remotes)}`);
  }
  for (const [name, r] of Object.entries(remotes)) {
    if (typeof r !== "object" || r === null || Array.isArray(r)) {
      throw configError(file, `remote "${name}": expected an object { type, ... }, found ${kindOf(r)}`);
    }
    const type = (r as { type?: unknown }).type;
    if (type === undefined) throw configError(file, `remote "${name}": option "type" is missing`);
    if (typeof type !== "string") {
      throw configError(file, `remote "${name}": option "type" expected a string, found ${kindOf(type)}`);
    }
  }
  return remotes as Record<string, RemoteConfig>;
}

/** rclone.conf: `[name]` sections of `key = value` lines; `#` and `;` start comments. */
function parseIni(text: string, file: string): Record<string, RemoteConfig> {
  const remotes: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const at = `line ${i + 1}:${raw.length - raw.trimStart().length + 1}`;
    const section = /^\[(.*)\]$/.exec(line);
    if (section) {
      current = {};
      remotes[section[1] as string] = current;
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw configError(file, `${at}: expected [name] or key = value, found "${line}"`);
    if (!current) throw configError(file, `${at}: "${line}" comes before any [name] section`);
    current[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  for (const [name, r] of Object.entries(remotes)) {
    if (r.type === undefined) throw configError(file, `remote "${name}": option "type" is missing`);
  }
  return remotes as Record<string, RemoteConfig>;
}

function formatIni(remotes: Record<string, RemoteConfig>): string {
  return Object.entries(remotes)
    .map(([name, r]) => {
      const lines = Object.entries(r).map(([k, v]) => `${k} = ${Array.isArray(v) ? v.join(" ") : String(v)}`);
      return `[${name}]\n${lines.join("\n")}\n`;
    })
    .join("\n");
}

function formatJson5(remotes: Record<string, RemoteConfig>): string {
  return `${JSON5.stringify({ remotes }, null, 2)}\n`;
}
