import type { CommandModule } from "yargs";
import { ctx, type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  long: boolean;
}

/**
 * `listremotes`: the configured remotes (from the file and from `STRATA_CONFIG_<NAME>_TYPE`), sorted,
 * each with a trailing colon; `--long` adds the type in a column, as rclone aligns it.
 */
const command: CommandModule<GlobalArgs, Args> = {
  command: "listremotes",
  describe: "List all the remotes in the config file",
  builder: (y) => y.option("long", { type: "boolean", default: false, description: "Show the type as well as names" }),
  handler: run("listremotes", async (argv) => {
    const store = ctx().config;
    const names = store.names();
    const width = Math.max(1, ...names.map((n) => n.length)) + 1;
    const out = new Output();
    for (const name of names) {
      out.line(argv.long ? `${`${name}:`.padEnd(width)} ${store.get(name)?.type ?? ""}` : `${name}:`);
    }
    await out.end();
  }),
};
export default command;
