/**
 * The `strata` command line: global flags, then one yargs module per command. Before yargs parses,
 * the line is checked as rclone's parser would (unknown commands and flags, argument counts, help),
 * so those mistakes are reported in rclone's words and with its exit codes.
 */
import yargs, { type CommandModule } from "yargs";
import { leadingPositionals, scanArgs } from "./commands/arg-scan.js";
import { extractBackendFlags } from "./commands/backend-flags.js";
import { type CommandShape, recordingCommand } from "./commands/command-shape.js";
import type { EnvSetting, FlagSpec } from "./commands/flag-spec.js";
import { GLOBAL_FLAGS, type GlobalArgs, globalOptions } from "./commands/global-flags.js";
import { commandTable, loadCommands } from "./commands/index.js";
import { fail, setup } from "./commands/shared.js";
import { commandHelp, commandUsage, helpFlag, rootHelp, rootUsage, suggestions } from "./commands/usage.js";
import { ExitCode } from "./fs/errors.js";
import { attachFilterValues } from "./fs/filter/flags.js";
import { stamp } from "./fs/log.js";
import { versionLines } from "./fs/operations/version.js";

/**
 * Runs the command line. Never rejects: every failure, also one outside a command (a config file
 * that does not parse, an error nothing awaited), is reported on one line by `fail` and sets the
 * exit code.
 */
export async function main(args: string[]): Promise<void> {
  const crash = (err: unknown) => {
    fail(err);
    process.exit();
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  try {
    await parse(args);
  } catch (err) {
    fail(err);
  }
}

const VERSION_FLAG: FlagSpec = {
  name: "version",
  alias: "V",
  type: "boolean",
  description: "Print the version number",
};

/** Writes `text` and ends the process with rclone's exit code for usage mistakes. */
function usageExit(text: string): never {
  process.stderr.write(text);
  process.exit(ExitCode.usage);
}

/** rclone's report of a flag mistake: the error, the usage, and the same error as a fatal log line. */
function flagMistake(message: string, usage: string): never {
  usageExit(`Error: ${message}\n${usage}\n${stamp(new Date())} Fatal error: ${message}\n`);
}

/** rclone's report of a command that does not exist, with the names it may have meant. */
function unknownCommand(word: string, parent: string, names: readonly string[]): never {
  const close = suggestions(word, names);
  const hint = close.length > 0 ? `\n\nDid you mean this?\n${close.map((n) => `\t${n}\n`).join("")}` : "";
  const message = `unknown command ${JSON.stringify(word)} for ${JSON.stringify(parent)}${hint}`;
  usageExit(
    `Error: ${message}\nRun '${parent} --help' for usage.\n\n${stamp(new Date())} Fatal error: ${message}${hint ? "" : "\n"}`,
  );
}

/** `strata` alone, `strata --help`, `strata help`, `strata --version`. */
async function root(args: string[]): Promise<void> {
  const commands = await loadCommands();
  let given: Set<string>;
  try {
    given = scanArgs(args, [...GLOBAL_FLAGS, helpFlag("strata"), VERSION_FLAG]).given;
  } catch (err) {
    flagMistake((err as Error).message, rootUsage(commands));
  }
  if (given.has("version")) process.stdout.write(`${versionLines().join("\n")}\n`);
  else if (given.has("help") || args.includes("help")) process.stdout.write(rootHelp(commands));
  else usageExit(rootUsage(commands));
}

/** The fewest and most arguments a yargs command string takes (`<a> [b] [c..]` → 1, ∞). */
function argBounds(args: string): [number, number] {
  const words = args.split(" ").filter((w) => w !== "");
  const required = words.filter((w) => w.startsWith("<")).length;
  return [
    required,
    words.some((w) => w.endsWith("..]") || w.endsWith("..>")) ? Number.POSITIVE_INFINITY : words.length,
  ];
}

/**
 * Checks the command line against the command yargs is about to run, once its builder has declared
 * its flags: unknown flags and bad values, `--help`, a missing or unknown subcommand, the number of
 * arguments. Each mistake ends the process as rclone's would.
 */
function preflight(shape: CommandShape, flags: FlagSpec[], args: string[], words: string[]): void {
  const depth = shape.path.length;
  // The subcommand's builder runs next and checks the line against its own flags.
  if (shape.subcommands.has(words[depth] ?? "")) return;
  let positionals: string[];
  let given: Set<string>;
  try {
    ({ positionals, given } = scanArgs(args, [...flags, helpFlag(shape.path.at(-1) ?? "")]));
  } catch (err) {
    flagMistake((err as Error).message, commandUsage(shape));
  }
  if (given.has("help")) {
    process.stdout.write(commandHelp(shape));
    process.exit(0);
  }
  if (shape.subcommands.size > 0) {
    const sub = positionals[depth];
    // rclone's bare `config` runs its interactive editor rather than asking for a subcommand.
    if (sub === undefined && shape.path.join(" ") === "config") return;
    if (sub === undefined) usageExit(commandUsage(shape));
    unknownCommand(sub, `strata ${shape.path.join(" ")}`, [...shape.subcommands.keys()]);
  }
  const supplied = positionals.slice(depth);
  const [min, max] = argBounds(shape.args);
  const bound =
    supplied.length < min ? `${min} arguments minimum` : supplied.length > max ? `${max} arguments maximum` : "";
  if (bound !== "") {
    const quoted = supplied.map((a) => JSON.stringify(a)).join(" ");
    usageExit(
      `${commandUsage(shape)}Command ${shape.path.join(" ")} needs ${bound}: you provided ${supplied.length} non flag arguments: [${quoted}]\n`,
    );
  }
}

async function parse(args: string[]): Promise<void> {
  const { rest, values: backendFlags } = await extractBackendFlags(args);
  const words = leadingPositionals(rest, GLOBAL_FLAGS);
  if (words.length === 0 || (words.length === 1 && words[0] === "help")) return root(rest);
  const chosen = commandTable.find((c) => c.name === words[0]);
  if (chosen === undefined) {
    unknownCommand(
      words[0] as string,
      "strata",
      commandTable.map((c) => c.name),
    );
  }
  // Only the command being run is registered: yargs runs no other, and importing the rest would
  // evaluate every command's module (servers, mount, SDK clients) on each start.
  const command = await chosen.load();
  const fromEnv: EnvSetting[] = [];
  // Filter values start with "+ " or "- ", and "-" means stdout or stdin: yargs would read them as flags.
  const { args: parsed, restore } = positionalsAfterDoubleDash(dashValues(attachFilterValues(rest)));
  const shapes: CommandShape[] = [];
  let parser = globalOptions(yargs(parsed), process.env, fromEnv)
    .scriptName("strata")
    // rclone has real --no-* flags (--no-modtime, --no-create, --no-obscure); yargs must not read
    // them as negations of other flags.
    .parserConfiguration({ "boolean-negation": false })
    .middleware((argv) => {
      restore(argv);
      return setup(argv as unknown as Parameters<typeof setup>[0], { backendFlags, fromEnv, args });
    })
    .strict()
    .wrap(null)
    .fail((msg, err) => {
      // An error thrown by setup or a command (not a usage mistake) goes to main's one-line report.
      if (err) throw err;
      const shape = shapes.at(-1);
      if (shape) flagMistake(msg, commandUsage(shape));
      throw new RootUsageMistake(msg);
    })
    .version(false)
    .help(false);
  const hooks = {
    env: process.env,
    applied: fromEnv,
    built: (shape: CommandShape) => {
      shapes.push(shape);
      // Options a parent declares are its subcommands' too (yargs makes them global).
      const inherited = shapes.filter((s) => shape.path.join(" ").startsWith(s.path.join(" ")));
      preflight(shape, [...GLOBAL_FLAGS, ...inherited.flatMap((s) => s.flags)], rest, words);
    },
  };
  parser = parser.command(recordingCommand(command, [], hooks) as CommandModule<GlobalArgs, GlobalArgs>);
  skipHelpRendering(parser);
  try {
    await parser.parseAsync();
  } catch (err) {
    // The root usage lists every command, so it is only built (all modules loaded) when shown.
    if (err instanceof RootUsageMistake) flagMistake(err.message, rootUsage(await loadCommands()));
    throw err;
  }
}

/** A usage mistake yargs reports before any command's builder ran: shown with the root usage. */
class RootUsageMistake extends Error {}

/**
 * yargs renders the running command's whole help text (every global flag) on each run, to have it
 * at hand should the command fail: tens of milliseconds of a short command. strata prints its own
 * help and usage (`preflight`, `flagMistake`), so that text is never read and is not rendered.
 */
function skipHelpRendering(parser: unknown): void {
  const internals = parser as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } } };
  internals.getInternalMethods().getUsageInstance().cacheHelpMessage = () => undefined;
}

/** `--flag -` becomes `--flag=-`, so a lone dash stays the flag's value. */
function dashValues(args: string[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const prev = out[out.length - 1];
    if (a === "-" && prev?.startsWith("--") && !prev.includes("=")) out[out.length - 1] = `${prev}=-`;
    else out.push(a);
  }
  return out;
}

/**
 * As in rclone, everything after `--` is positional, even `-x` (an obscured password may start with
 * a dash). yargs has no such mode, so those values travel as placeholders and are put back before
 * any command sees them.
 */
function positionalsAfterDoubleDash(args: string[]): {
  args: string[];
  restore: (argv: Record<string, unknown>) => void;
} {
  const at = args.indexOf("--");
  if (at < 0) return { args, restore: () => undefined };
  const held: string[] = [];
  const after = args.slice(at + 1).map((a) => {
    if (!a.startsWith("-") || a === "-") return a;
    held.push(a);
    return `\u0001${held.length - 1}`;
  });
  const back = (v: unknown): unknown =>
    typeof v === "string" && v.startsWith("\u0001") ? held[Number(v.slice(1))] : Array.isArray(v) ? v.map(back) : v;
  return {
    args: [...args.slice(0, at), ...after],
    restore: (argv) => {
      for (const key of Object.keys(argv)) argv[key] = back(argv[key]);
    },
  };
}
