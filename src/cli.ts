/** The `strata` command line: global flags, then one yargs module per command. */
import yargs, { type CommandModule } from "yargs";
import { commands } from "./commands/index.js";
import { fail, type GlobalArgs, globalOptions, setup } from "./commands/shared.js";
import { ExitCode } from "./fs/errors.js";
import { attachFilterValues } from "./fs/filter/flags.js";

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

async function parse(args: string[]): Promise<void> {
  // Filter values start with "+ " or "- ", and "-" means stdout or stdin: yargs would read them as flags.
  const { args: parsed, restore } = positionalsAfterDoubleDash(dashValues(attachFilterValues(args)));
  let parser = globalOptions(yargs(parsed))
    .scriptName("strata")
    // rclone has real --no-* flags (--no-modtime, --no-create, --no-obscure); yargs must not read
    // them as negations of other flags.
    .parserConfiguration({ "boolean-negation": false })
    .usage(
      "Usage: strata <command> [flags]\n\nStack storage remotes: list, copy, sync and check over any backend and overlay.",
    )
    .middleware((argv) => {
      restore(argv);
      return setup(argv as unknown as Parameters<typeof setup>[0]);
    })
    .demandCommand(1, "Command needed: see strata --help")
    .strict()
    .recommendCommands()
    // yargs renders the running command's help on every run; unwrapped, that costs a few ms, not tens.
    .wrap(null)
    .fail((msg, err, y) => {
      // An error thrown by setup or a command (not a usage mistake) goes to main's one-line report.
      if (err) throw err;
      process.stderr.write(
        `${y.help() && ""}${msg}\nUse "strata <command> --help" for more information about a command.\n`,
      );
      process.exit(ExitCode.usage);
    })
    .version(false)
    .help();
  for (const c of commands) parser = parser.command(c as CommandModule<GlobalArgs, GlobalArgs>);
  await parser.parseAsync();
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
