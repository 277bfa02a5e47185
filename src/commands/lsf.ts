import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { parseHashType } from "../fs/operations/hashsum.js";
import { openFilteredTarget } from "../fs/operations/list.js";
import { lsf } from "../fs/operations/lsf.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  format: string;
  separator?: string;
  "dir-slash": boolean;
  hash: string;
  "files-only": boolean;
  "dirs-only": boolean;
  csv: boolean;
  absolute: boolean;
  recursive: boolean;
  "max-depth": number;
}

/** `lsf`: entries one per line in a format chosen by letters, for scripts. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "lsf <remote>",
  describe: "List directories and objects in remote:path formatted for parsing",
  builder: (y) =>
    filterFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .option("format", {
        alias: "F",
        type: "string",
        default: "p",
        description:
          "Output format: p path, s size, t modtime, h hash, m MIME type, i ID, o original ID, T tier, M metadata",
      })
      .option("separator", {
        alias: "s",
        type: "string",
        description: 'Separator for the items in the format (default ";", "," with --csv)',
      })
      .option("dir-slash", {
        alias: "d",
        type: "boolean",
        default: true,
        description: "Append a slash to directory names",
      })
      .option("hash", { type: "string", default: "md5", description: "Use this hash when h is used in the format" })
      .option("files-only", { type: "boolean", default: false, description: "Only list files" })
      .option("dirs-only", { type: "boolean", default: false, description: "Only list directories" })
      .option("csv", { type: "boolean", default: false, description: "Output in CSV format" })
      .option("absolute", { type: "boolean", default: false, description: "Put a leading / in front of path names" })
      .option("recursive", { alias: "R", type: "boolean", default: false, description: "Recurse into the listing" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("lsf", async (argv) => {
    const hashType = parseHashType(argv.hash);
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const lines = lsf(await openFilteredTarget(argv.remote, filter), {
      format: argv.format,
      useServerModTime: argv["use-server-modtime"],
      separator: argv.separator,
      dirSlash: argv["dir-slash"],
      absolute: argv.absolute,
      csv: argv.csv,
      hashType,
      recursive: argv.recursive,
      maxDepth: argv["max-depth"],
      filesOnly: argv["files-only"],
      dirsOnly: argv["dirs-only"],
      filter,
    });
    const out = new Output();
    try {
      for await (const line of lines) out.line(line);
    } finally {
      await out.end();
    }
  }),
};
export default command;
