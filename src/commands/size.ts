import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { log } from "../fs/log.js";
import { byteUnit, countSuffix } from "../fs/operations/format.js";
import { openFilteredTarget } from "../fs/operations/list.js";
import { countObjects } from "../fs/operations/size.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  json: boolean;
  "max-depth": number;
}

/** `size`: number of files and their total size under the path. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "size <remote>",
  describe: "Prints the total size and number of objects in remote:path",
  builder: (y) =>
    filterFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .option("json", { type: "boolean", default: false, description: "Format output as JSON" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("size", async (argv) => {
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const target = await openFilteredTarget(argv.remote, filter);
    const r = await countObjects(target, { maxDepth: argv["max-depth"], filter });
    if (r.sizeless > 0) {
      log.notice(target.fs.toString(), `Size may be underestimated due to ${r.sizeless} objects with unknown size`);
    }
    const out = new Output();
    if (argv.json) out.line(JSON.stringify({ count: r.count, bytes: r.bytes, sizeless: r.sizeless }));
    else {
      out.line(`Total objects: ${countSuffix(r.count)} (${r.count})`);
      out.line(`Total size: ${byteUnit(r.bytes)} (${r.bytes} Byte)`);
      if (r.sizeless > 0) out.line(`Total objects with unknown size: ${countSuffix(r.sizeless)} (${r.sizeless})`);
    }
    await out.end();
  }),
};
export default command;
