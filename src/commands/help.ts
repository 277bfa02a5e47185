import type { Argv, CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import type { OptionSpec } from "../fs/registry.js";
import { defaultRegistry } from "../registry-defaults.js";
import { allBackendFlags } from "./backend-flags.js";
import { GLOBAL_FLAGS } from "./global-flags.js";
import { Output, run } from "./shared.js";
import { flagsHelp } from "./usage.js";

/** The types the CLI knows: every backend and overlay. */
const registry = defaultRegistry();

interface Args {
  name?: string;
  filter?: string;
}

function describeOption(out: Output, type: string, key: string, spec: OptionSpec): void {
  out.line(`#### ${key}`);
  out.line("");
  out.line(spec.description);
  out.line("");
  out.line(`- Config:      ${key}`);
  out.line(`- Env Var:     STRATA_${type.toUpperCase()}_${key.toUpperCase()}`);
  out.line(`- Type:        ${spec.size ? "SizeSuffix" : spec.duration ? "Duration" : spec.type}`);
  if (spec.default !== undefined) out.line(`- Default:     ${JSON.stringify(spec.default)}`);
  if (spec.enum) out.line(`- Choices:     ${spec.enum.join(", ")}`);
  if (spec.obscured) out.line("- Obscured:    yes (store the output of `strata obscure`)");
  out.line("");
}

/** `help flags [regexp]`, `help backends` and `help backend NAME`; `help` alone is cli.ts's root help. */
const command: CommandModule<object, Args> = {
  command: "help <topic>",
  describe: "Show help for strata commands, flags and backends",
  builder: (y) =>
    y
      .command({
        command: "flags [filter]",
        describe: "List the global and backend flags, those whose names match a regexp if given",
        handler: run<Args>("help flags", async (argv) => {
          let match: RegExp | undefined;
          try {
            match = argv.filter === undefined ? undefined : new RegExp(argv.filter);
          } catch (err) {
            throw new FsError("Usage", `bad regexp ${JSON.stringify(argv.filter)}: ${(err as Error).message}`);
          }
          const out = new Output();
          out.write(flagsHelp(GLOBAL_FLAGS, await allBackendFlags(), match));
          await out.end();
        }),
      })
      .command({
        command: "backends",
        describe: "List the backends and overlays",
        handler: run<Args>("help backends", async () => {
          const out = new Output();
          out.line("All strata backends:");
          out.line("");
          for (const t of registry.types()) {
            const d = await registry.descriptor(t);
            out.line(`  ${t.padEnd(12)} ${d.description}`);
          }
          out.line("");
          out.line("To see more info about a particular backend use:\n  strata help backend <name>");
          await out.end();
        }),
      })
      .command({
        command: "backend <name>",
        describe: "Describe one backend's options",
        handler: run<Args>("help backend", async (argv) => {
          const name = argv.name as string;
          if (!registry.types().includes(name)) throw new FsError("Usage", `unknown backend "${name}"`);
          const d = await registry.descriptor(name);
          const out = new Output();
          out.line(`### ${d.name} (${d.kind}): ${d.description}`);
          out.line("");
          const entries = Object.entries(d.options.properties);
          const required = new Set(d.options.required ?? []);
          for (const [title, advanced] of [
            ["Standard options", false],
            ["Advanced options", true],
          ] as const) {
            const group = entries.filter(([, s]) => Boolean(s.advanced) === advanced);
            if (group.length === 0) continue;
            out.line(`### ${title}`);
            out.line("");
            for (const [key, spec] of group) {
              describeOption(out, d.name, key, spec);
              if (required.has(key)) out.line("- Required:    true\n");
            }
          }
          if (entries.length === 0) out.line("This backend has no options.");
          await out.end();
        }),
      })
      .demandCommand(1, "help needs a topic: backends or backend NAME") as Argv<Args>,
  handler: () => undefined,
};
export default command;
