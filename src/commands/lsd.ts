import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { countField, sizeField } from "../fs/operations/format.js";
import { listingDepth, listTarget, openFilteredTarget } from "../fs/operations/list.js";
import { formatTime, type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  recursive: boolean;
  "max-depth": number;
}

/** `lsd`: directories with size, modtime, item count and path (remotes here know neither: -1). */
const command: CommandModule<GlobalArgs, Args> = {
  command: "lsd <remote>",
  describe: "List all directories/containers/buckets in the path",
  builder: (y) =>
    filterFlags(
      y
        .positional("remote", { type: "string", demandOption: true })
        .option("recursive", { alias: "R", type: "boolean", default: false, description: "Recurse into the listing" })
        .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
    ),
  handler: run("lsd", async (argv) => {
    const human = argv["human-readable"];
    // As rclone: -R lists every level whatever --max-depth says.
    const maxDepth = argv.recursive ? -1 : listingDepth(false, argv["max-depth"]);
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const target = await openFilteredTarget(argv.remote, filter);
    const out = new Output();
    for await (const d of listTarget(target, { maxDepth, dirsOnly: true, filter })) {
      out.line(`${sizeField(-1, human, 12)} ${formatTime(d.modTime)} ${countField(-1, human, 9)} ${d.remote}`);
    }
    await out.end();
  }),
};
export default command;
