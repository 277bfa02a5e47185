/** Usage and help texts in rclone's (cobra's) layout: the root's command list, a command's flags. */
import type { CommandModule } from "yargs";
import { type CommandShape, splitCommand } from "./command-shape.js";
import { type FlagSpec, flagUsageLines } from "./flag-spec.js";

const FOOTER = [
  'Use "strata [command] --help" for more information about a command.',
  'Use "strata help flags" to see the global flags.',
  'Use "strata help backends" for a list of supported services.',
];

/** `-h, --help` as every command lists it. */
export function helpFlag(command: string): FlagSpec {
  return { name: "help", alias: "h", type: "boolean", description: `help for ${command}` };
}

/** A command's arguments as rclone writes them: `<remote>` → `remote:path`, `[remote]` → `[remote:path]`. */
function argsText(args: string): string {
  return args
    .split(" ")
    .filter((a) => a !== "")
    .map((a) => {
      const optional = a.startsWith("[");
      const name = a.slice(1, -1).replace(/\.\.$/, "...");
      const shown = ["remote", "source", "dest"].includes(name) ? `${name}:path` : name;
      return optional ? `[${shown}]` : shown;
    })
    .join(" ");
}

/** Names and short descriptions, the names padded as cobra pads them (at least 11 wide). */
function commandList(modules: Iterable<CommandModule>): string[] {
  // A command described as `false` is hidden (the completion scripts' `__complete`).
  const rows = [...modules]
    .filter((m) => m.describe !== false)
    .map((m) => [splitCommand(m)[0], String(m.describe ?? "")] as const);
  const width = Math.max(11, ...rows.map(([name]) => name.length));
  return rows.map(([name, describe]) => `  ${name.padEnd(width)} ${describe}`);
}

/** The root's usage: how to call, the commands, where to read more. */
export function rootUsage(commands: readonly CommandModule[]): string {
  return [
    "Usage:",
    "  strata [flags]",
    "  strata [command]",
    "",
    "Available Commands:",
    ...commandList(commands),
    "",
    ...FOOTER,
    "",
  ].join("\n");
}

/** `strata --help`: what strata is, then the root's usage. */
export function rootHelp(commands: readonly CommandModule[]): string {
  return [
    "",
    "strata stacks storage remotes the way rclone does: backends (local, memory, s3, sftp, webdav)",
    "and overlays (crypt, chunker, compress, erasure) behind one interface, with rclone's commands.",
    "",
    rootUsage(commands),
  ].join("\n");
}

/** A command's usage: its call, its subcommands if any, its own flags. */
export function commandUsage(shape: CommandShape): string {
  const name = shape.path.join(" ");
  const lines = ["Usage:"];
  if (shape.subcommands.size > 0) lines.push(`  strata ${name} [command]`, "", "Available Commands:");
  else lines.push(`  strata ${name}${shape.args ? ` ${argsText(shape.args)}` : ""} [flags]`);
  if (shape.subcommands.size > 0) lines.push(...commandList(shape.subcommands.values()));
  lines.push("", "Flags:", ...flagUsageLines([...shape.flags, helpFlag(shape.path.at(-1) ?? "")]), "");
  return [...lines, ...FOOTER, ""].join("\n");
}

/** `strata <command> --help`: its description, then its usage. */
export function commandHelp(shape: CommandShape): string {
  return `${shape.describe}\n\n${commandUsage(shape)}`;
}

/** `strata help flags`: the global flags, then the backend flags, those whose names `match` if given. */
export function flagsHelp(global: readonly FlagSpec[], backend: readonly FlagSpec[], match?: RegExp): string {
  const chosen = (flags: readonly FlagSpec[]) => flagUsageLines(flags.filter((f) => !match || match.test(f.name)));
  return [
    "Usage:",
    "  strata help flags [<regexp to match>] [flags]",
    "",
    "Flags:",
    ...flagUsageLines([helpFlag("flags")]),
    "",
    "Global Flags:",
    ...chosen(global),
    "",
    "Backend Flags:",
    ...chosen(backend),
    "",
    ...FOOTER,
    "",
  ].join("\n");
}

/** Edits (insert, delete, replace) between two words, ignoring case. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      next[j] = Math.min(
        (row[j] as number) + 1,
        (next[j - 1] as number) + 1,
        (row[j - 1] as number) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[y.length] as number;
}

/** Names close to a mistyped one, as cobra suggests them: at most 2 edits away, or starting with it. */
export function suggestions(typed: string, names: readonly string[]): string[] {
  return names.filter((n) => distance(typed, n) <= 2 || n.toLowerCase().startsWith(typed.toLowerCase()));
}
