/**
 * What a command declares (its usage, flags and subcommands), recorded while yargs runs its builder,
 * so usage texts and the flag checks of cli.ts need no second copy of any command's flags. Options a
 * builder declares also take their defaults from `STRATA_<FLAG>` here.
 */
import type { Argv, CommandModule, Options } from "yargs";
import { type EnvSetting, envDefault, type FlagSpec } from "./flag-spec.js";

export interface CommandShape {
  /** Words that select it: `["erasure", "status"]`. */
  path: string[];
  /** The yargs command string without the name: `<remote>`, `<source> <dest>`, `[hash] [remote]`. */
  args: string;
  describe: string;
  flags: FlagSpec[];
  /** Subcommands by name. */
  subcommands: Map<string, CommandModule>;
}

/** A command module's name and argument part: `"lsf <remote>"` → `["lsf", "<remote>"]`. */
export function splitCommand(module: CommandModule): [string, string] {
  const text = String(Array.isArray(module.command) ? module.command[0] : module.command);
  const space = text.indexOf(" ");
  return space < 0 ? [text, ""] : [text.slice(0, space), text.slice(space + 1)];
}

function flagOf(name: string, o: Options): FlagSpec {
  const alias = [o.alias ?? []].flat().find((a) => a.length === 1);
  const type = o.count ? "count" : o.array ? "array" : (o.type ?? "string");
  const choices = o.choices?.map(String);
  return { name, alias, type, default: o.default, choices, description: String(o.description ?? o.describe ?? "") };
}

export interface ShapeHooks {
  env: NodeJS.ProcessEnv;
  /** Env settings applied to command flags, for the -vv log. */
  applied: EnvSetting[];
  /** Called once a command's builder has run, with what it declared and its parser. */
  built: (shape: CommandShape, y: Argv) => void;
}

/**
 * `module` with its builder run against a recording parser: every `option` is recorded (with the
 * default `STRATA_<FLAG>` gives it) and every subcommand is wrapped the same way.
 */
export function recordingCommand(module: CommandModule, parent: string[], hooks: ShapeHooks): CommandModule {
  const [name, args] = splitCommand(module);
  return {
    ...module,
    builder: (y: Argv) => {
      const shape: CommandShape = {
        path: [...parent, name],
        args,
        describe: String(module.describe ?? ""),
        flags: [],
        subcommands: new Map(),
      };
      const proxy = recorder(y, shape, hooks);
      if (typeof module.builder === "function") module.builder(proxy);
      else if (module.builder) proxy.options(module.builder);
      hooks.built(shape, y);
      return y;
    },
  };
}

function recorder(y: Argv, shape: CommandShape, hooks: ShapeHooks): Argv {
  const declare = (key: string, o: Options): Options => {
    const flag = flagOf(key, o);
    const fromEnv = envDefault(flag, hooks.env, hooks.applied);
    if (fromEnv !== undefined) flag.default = fromEnv;
    shape.flags.push(flag);
    return fromEnv === undefined ? o : { ...o, default: fromEnv };
  };
  const proxy: Argv = new Proxy(y, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (typeof value !== "function") return value;
      return (...callArgs: unknown[]) => {
        let forwarded = callArgs;
        if (prop === "option" && typeof callArgs[0] === "string") {
          forwarded = [callArgs[0], declare(callArgs[0], (callArgs[1] ?? {}) as Options)];
        } else if (prop === "options" && typeof callArgs[0] === "object") {
          const all = callArgs[0] as Record<string, Options>;
          forwarded = [Object.fromEntries(Object.entries(all).map(([k, o]) => [k, declare(k, o)]))];
        } else if (prop === "command" && typeof callArgs[0] === "object" && !Array.isArray(callArgs[0])) {
          const sub = callArgs[0] as CommandModule;
          shape.subcommands.set(splitCommand(sub)[0], sub);
          forwarded = [recordingCommand(sub, shape.path, hooks)];
        }
        // Methods run on the real parser (its private state is not reachable through a proxy).
        const result = (value as (...a: unknown[]) => unknown).apply(target, forwarded);
        return result === target ? proxy : result;
      };
    },
  });
  return proxy;
}
