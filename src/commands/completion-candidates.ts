/**
 * What the shell completion scripts offer for a command line (cobra's `__complete` protocol, which
 * rclone's scripts use): command and subcommand names, flags with their descriptions, and remote
 * names (`name:`) where a path goes, leaving file names to the shell.
 */
import yargs, { type CommandModule } from "yargs";
import { type CommandShape, recordingCommand, splitCommand } from "./command-shape.js";
import { type FlagSpec, takesValue } from "./flag-spec.js";
import { GLOBAL_FLAGS } from "./global-flags.js";

export interface Candidate {
  value: string;
  description: string;
}

export interface Completion {
  candidates: Candidate[];
  /** Whether the shell should offer file names as well (a path or a flag's value goes here). */
  files: boolean;
}

/** A command's flags and subcommands, from running its builder against a recording parser. */
function shapeOf(module: CommandModule, parent: string[]): CommandShape {
  let shape: CommandShape | undefined;
  const recorded = recordingCommand(module, parent, {
    env: {},
    applied: [],
    built: (s) => {
      shape ??= s;
    },
  });
  (recorded.builder as (y: ReturnType<typeof yargs>) => unknown)(yargs([]));
  return shape as CommandShape;
}

/** Commands listed to users: hidden ones (`describe: false`, as `__complete`) are not offered. */
const visible = (modules: Iterable<CommandModule>) => [...modules].filter((m) => m.describe !== false);

const withPrefix = (candidates: Candidate[], prefix: string) => candidates.filter((c) => c.value.startsWith(prefix));

function flagCandidates(flags: readonly FlagSpec[], prefix: string): Candidate[] {
  const all = flags.flatMap((f) => [
    { value: `--${f.name}`, description: f.description },
    ...(f.alias ? [{ value: `-${f.alias}`, description: f.description }] : []),
  ]);
  return withPrefix(all, prefix).sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** The flag `word` names (`--name`, `--name=value`, `-abc` by its last letter), if one of `flags`. */
function flagNamed(word: string, flags: readonly FlagSpec[]): { flag?: FlagSpec; inline: boolean } {
  if (word.startsWith("--")) {
    const [name, ...value] = word.slice(2).split("=");
    return { flag: flags.find((f) => f.name === name), inline: value.length > 0 };
  }
  return { flag: flags.find((f) => f.alias === word.at(-1)), inline: false };
}

/**
 * Completions for `words`, the words after the program name; the last one is the word being
 * completed ("" for a new word). `remotes` are the configured remote names.
 */
export function complete(
  commands: readonly CommandModule[],
  words: readonly string[],
  remotes: readonly string[],
): Completion {
  const current = words.at(-1) ?? "";
  let shape: CommandShape | undefined;
  let flags: FlagSpec[] = [...GLOBAL_FLAGS];
  let valueNext = false;
  let positionals = 0;
  for (const word of words.slice(0, -1)) {
    if (valueNext) {
      valueNext = false;
    } else if (word.startsWith("-") && word !== "-") {
      const { flag, inline } = flagNamed(word, flags);
      valueNext = flag !== undefined && takesValue(flag) && !inline;
    } else if (shape === undefined || (positionals === 0 && shape.subcommands.has(word))) {
      const module = shape ? shape.subcommands.get(word) : commands.find((c) => splitCommand(c)[0] === word);
      if (!module) return { candidates: [], files: true };
      shape = shapeOf(module, shape?.path ?? []);
      // Options a parent declares are its subcommands' too.
      flags = [...flags, ...shape.flags];
    } else {
      positionals++;
    }
  }
  if (valueNext) return { candidates: [], files: true };
  if (current.startsWith("-")) return { candidates: flagCandidates(flags, current), files: false };
  const names = (modules: Iterable<CommandModule>) =>
    visible(modules).map((m) => ({ value: splitCommand(m)[0], description: String(m.describe ?? "") }));
  if (shape === undefined) return { candidates: withPrefix(names(commands), current), files: false };
  if (shape.subcommands.size > 0 && positionals === 0) {
    return { candidates: withPrefix(names(shape.subcommands.values()), current), files: false };
  }
  const remoteNames = /[:/]/.test(current) ? [] : remotes.map((r) => ({ value: `${r}:`, description: "remote" }));
  return { candidates: withPrefix(remoteNames, current), files: true };
}

/** The `__complete` answer: `value<TAB>description` lines, then `:files` or `:nofiles`. */
export function formatCompletion(c: Completion): string {
  const lines = c.candidates.map((x) => {
    const description = x.description.replace(/\s+/g, " ").trim();
    return description ? `${x.value}\t${description}` : x.value;
  });
  return `${[...lines, c.files ? ":files" : ":nofiles"].join("\n")}\n`;
}
