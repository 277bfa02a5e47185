import { writeFile } from "node:fs/promises";
import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { openFilteredTarget } from "../fs/operations/list.js";
import { buildTree, renderTree, type TreeOptions, type TreeSort } from "../fs/operations/tree.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  all: boolean;
  "dirs-only": boolean;
  "full-path": boolean;
  noreport: boolean;
  level: number;
  "max-depth": number;
  output?: string;
  size: boolean;
  protections: boolean;
  quote: boolean;
  modtime: boolean;
  unsorted: boolean;
  version: boolean;
  "sort-modtime": boolean;
  "sort-reverse": boolean;
  dirsfirst: boolean;
  sort?: string;
  noindent: boolean;
}

const SORTS = ["name", "version", "size", "mtime"] as const;

/** `tree`: the listing drawn as a tree, as rclone (and tree(1)) draw it. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "tree <remote>",
  describe: "List the contents of the remote in a tree like fashion",
  builder: (y) =>
    filterFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .option("all", {
        alias: "a",
        type: "boolean",
        default: false,
        description: "All files are listed (list . files too)",
      })
      .option("dirs-only", { alias: "d", type: "boolean", default: false, description: "List directories only" })
      .option("full-path", { type: "boolean", default: false, description: "Print the full path prefix for each file" })
      .option("noreport", {
        type: "boolean",
        default: false,
        description: "Turn off file/directory count at end of tree listing",
      })
      .option("level", { type: "number", default: 0, description: "Descend only level directories deep" })
      .option("max-depth", {
        type: "number",
        default: -1,
        description: "If set limits the recursion depth to this (when --level is not set)",
      })
      .option("output", { alias: "o", type: "string", description: "Output to file instead of stdout" })
      .option("size", {
        alias: "s",
        type: "boolean",
        default: false,
        description: "Print the size in bytes of each file.",
      })
      .option("protections", {
        alias: "p",
        type: "boolean",
        default: false,
        description: "Print the protections for each file.",
      })
      .option("quote", {
        alias: "Q",
        type: "boolean",
        default: false,
        description: "Quote filenames with double quotes.",
      })
      .option("modtime", {
        alias: "D",
        type: "boolean",
        default: false,
        description: "Print the date of last modification.",
      })
      .option("unsorted", { alias: "U", type: "boolean", default: false, description: "Leave files unsorted" })
      .option("version", { type: "boolean", default: false, description: "Sort files alphanumerically by version" })
      .option("sort-modtime", {
        alias: "t",
        type: "boolean",
        default: false,
        description: "Sort files by last modification time",
      })
      .option("sort-reverse", {
        alias: "r",
        type: "boolean",
        default: false,
        description: "Reverse the order of the sort",
      })
      .option("dirsfirst", {
        type: "boolean",
        default: false,
        description: "List directories before files (-U disables)",
      })
      .option("sort", { type: "string", description: "Select sort: name,version,size,mtime" })
      .option("noindent", { type: "boolean", default: false, description: "Don't print indentation lines" }),
  handler: run("tree", async (argv) => {
    if (argv.sort !== undefined && !(SORTS as readonly string[]).includes(argv.sort)) {
      throw new FsError("Usage", `unknown sort "${argv.sort}": want one of ${SORTS.join(", ")}`);
    }
    const sort: TreeSort | undefined = argv["sort-modtime"]
      ? "mtime"
      : argv.version
        ? "version"
        : (argv.sort as TreeSort | undefined);
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const options: TreeOptions = {
      all: argv.all,
      dirsOnly: argv["dirs-only"],
      fullPath: argv["full-path"],
      // As rclone: --level wins, else the --max-depth limit applies.
      level: argv.level !== 0 ? argv.level : argv["max-depth"],
      size: argv.size,
      humanReadable: argv["human-readable"],
      protections: argv.protections,
      modTime: argv.modtime,
      quote: argv.quote,
      unsorted: argv.unsorted,
      sort,
      dirsFirst: argv.dirsfirst,
      reverse: argv["sort-reverse"],
      noIndent: argv.noindent,
      noReport: argv.noreport,
      filter,
    };
    const lines = renderTree(await buildTree(await openFilteredTarget(argv.remote, filter), options), options);
    const text = `${lines.join("\n")}\n`;
    if (argv.output !== undefined) {
      await writeFile(argv.output, text);
      return;
    }
    const out = new Output();
    out.write(text);
    await out.end();
  }),
};
export default command;
