import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { listTarget, openFilteredTarget } from "../fs/operations/list.js";
import { formatTime, type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  "max-depth": number;
}

/** `lsl`: size, modtime and path of every file, recursively. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "lsl <remote>",
  describe: "List the objects in path with modification time, size and path",
  builder: (y) =>
    filterFlags(
      y
        .positional("remote", { type: "string", demandOption: true })
        .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
    ),
  handler: run("lsl", async (argv) => {
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const target = await openFilteredTarget(argv.remote, filter);
    const out = new Output();
    for await (const e of listTarget(target, {
      maxDepth: argv["max-depth"],
      filesOnly: true,
      filter,
      modTimes: { useServerModTime: argv["use-server-modtime"] },
    })) {
      if (e.kind === "file") out.line(`${String(e.size).padStart(9)} ${formatTime(e.modTime, 9)} ${e.remote}`);
    }
    await out.end();
  }),
};
export default command;
