import { tmpdir } from "node:os";
import type { Argv, CommandModule } from "yargs";
import { deleteRemote, parseKeyValues, setRemote } from "../fs/operations/remote-config.js";
import { defaultRegistry } from "../registry-defaults.js";
import { configWizard } from "./config-wizard.js";
import { Prompter } from "./prompt.js";
import { ctx, Output, run } from "./shared.js";

/** The types the CLI knows: every backend and overlay. */
const registry = defaultRegistry();

interface Args {
  name?: string;
  type?: string;
  values?: string[];
  obscure: boolean;
  "no-obscure": boolean;
}

function showRemote(out: Output, name: string, values: Record<string, unknown>): void {
  out.line(`[${name}]`);
  for (const [k, v] of Object.entries(values)) out.line(`${k} = ${Array.isArray(v) ? v.join(" ") : String(v)}`);
  out.line("");
}

const editFlags = <T>(y: Argv<T>) =>
  y
    .option("obscure", { type: "boolean", default: false, description: "Force any passwords to be obscured" })
    .option("no-obscure", { type: "boolean", default: false, description: "Force any passwords not to be obscured" });

/** Runs the interactive editor on the terminal (rclone's `config` and `config edit`). */
const editHandler = run<Args>("config", async () => {
  const prompter = new Prompter();
  try {
    await configWizard(ctx().config, prompter);
  } finally {
    prompter.close();
  }
});

/** `config`: the interactive editor, or an action that shows or edits named remotes. */
const command: CommandModule<object, Args> = {
  command: "config",
  describe: "Enter an interactive configuration session, or show and edit the config file with an action",
  builder: (y) =>
    y
      .command({ command: "edit", describe: "Enter an interactive configuration session", handler: editHandler })
      .command({
        command: "file",
        describe: "Show path of configuration file in use",
        handler: run<Args>("config file", async () => {
          const { path, exists } = ctx().config;
          const out = new Output();
          if (path === undefined) out.line("Configuration is in memory only");
          else {
            out.line(
              exists
                ? "Configuration file is stored at:"
                : "Configuration file doesn't exist, but strata will use this path:",
            );
            out.line(path);
          }
          await out.end();
        }),
      })
      .command({
        command: "show [name]",
        describe: "Print the config file, or one remote",
        handler: run<Args>("config show", async (argv) => {
          const store = ctx().config;
          const out = new Output();
          const names = argv.name ? [argv.name] : store.names();
          for (const n of names) {
            const r = store.get(n);
            if (!r) throw Object.assign(new Error(`remote "${n}" not found in config`), { name: "Error" });
            showRemote(out, n, r);
          }
          await out.end();
        }),
      })
      .command({
        command: "dump",
        describe: "Dump the config file as JSON",
        handler: run<Args>("config dump", async () => {
          const store = ctx().config;
          const all = Object.fromEntries(store.names().map((n) => [n, store.get(n)]));
          process.stdout.write(`${JSON.stringify(all, null, "\t")}\n`);
        }),
      })
      .command({
        command: "create <name> <type> [values..]",
        describe: "Create a new remote with name, type and options (key=value ...)",
        builder: editFlags,
        handler: run<Args>("config create", async (argv) => {
          const values = parseKeyValues(argv.values ?? []);
          const r = await setRemote(ctx().config, argv.name as string, argv.type, values, flagsOf(argv));
          const out = new Output();
          showRemote(out, argv.name as string, r);
          await out.end();
        }),
      })
      .command({
        command: "update <name> [values..]",
        describe: "Update options of an existing remote (key=value ...)",
        builder: editFlags,
        handler: run<Args>("config update", async (argv) => {
          const values = parseKeyValues(argv.values ?? []);
          const r = await setRemote(ctx().config, argv.name as string, undefined, values, flagsOf(argv));
          const out = new Output();
          showRemote(out, argv.name as string, r);
          await out.end();
        }),
      })
      .command({
        command: "delete <name>",
        describe: "Delete an existing remote",
        handler: run<Args>("config delete", async (argv) => deleteRemote(ctx().config, argv.name as string)),
      })
      .command({
        command: "paths",
        describe: "Show paths used for configuration and temporary files",
        handler: run<Args>("config paths", async () => {
          process.stdout.write(`Config file: ${ctx().config.path}\nTemp dir:    ${tmpdir()}\n`);
        }),
      })
      .command({
        command: "providers",
        describe: "List in JSON format all the backends and their options",
        handler: run<Args>("config providers", async () => {
          const all = await Promise.all(registry.types().map((t) => registry.descriptor(t)));
          const view = all.map((d) => ({ Name: d.name, Description: d.description, Options: d.options.properties }));
          process.stdout.write(`${JSON.stringify(view, null, "\t")}\n`);
        }),
      })
      .strict() as Argv<Args>,
  handler: editHandler,
};

function flagsOf(argv: Args) {
  return { obscure: argv.obscure, noObscure: argv["no-obscure"] };
}

export default command;
