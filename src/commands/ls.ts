import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { listTarget, openFilteredTarget } from "../fs/operations/list.js";
import { Output, run } from "./shared.js";

interface Args extends FilterArgs {
  remote: string;
  "max-depth": number;
}

/** `ls`: size and path of every file, recursively. */
const command: CommandModule<object, Args> = {
  command: "ls <remote>",
  describe: "List the objects in the path with size and path",
  builder: (y) =>
    filterFlags(
      y
        .positional("remote", { type: "string", demandOption: true })
        .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
    ),
  handler: run("ls", async (argv) => {
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const target = await openFilteredTarget(argv.remote, filter);
    const out = new Output();
    for await (const e of listTarget(target, { maxDepth: argv["max-depth"], filesOnly: true, filter })) {
      out.line(`${String(e.kind === "file" ? e.size : -1).padStart(9)} ${e.remote}`);
    }
    await out.end();
  }),
};
export default command;
