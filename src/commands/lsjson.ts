import type { CommandModule } from "yargs";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { HASH_TYPES, type HashType } from "../fs/hashes.js";
import { DIRECTORY_MIME, mimeTypeOf } from "../fs/mime.js";
import { listTarget, openFilteredTarget } from "../fs/operations/list.js";
import { baseName } from "../fs/path.js";
import type { Entry } from "../fs/types.js";
import { formatRfc3339, type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs, FilterArgs {
  remote: string;
  recursive: boolean;
  hash: boolean;
  "hash-type": string[];
  "no-modtime": boolean;
  "no-mimetype": boolean;
  "files-only": boolean;
  "dirs-only": boolean;
  "max-depth": number;
}

/** One entry in rclone's lsjson shape (field order matters to people who diff the output). */
export async function lsjsonItem(e: Entry, args: Args, hashTypes: HashType[]): Promise<Record<string, unknown>> {
  const item: Record<string, unknown> = {
    Path: e.remote,
    Name: baseName(e.remote),
    Size: e.kind === "file" ? e.size : -1,
  };
  if (!args["no-mimetype"]) item.MimeType = e.kind === "file" ? mimeTypeOf(e.remote) : DIRECTORY_MIME;
  if (!args["no-modtime"]) item.ModTime = formatRfc3339(e.modTime);
  item.IsDir = e.kind === "dir";
  if (e.kind === "file" && args.hash) {
    const hashes: Record<string, string> = {};
    for (const t of hashTypes) {
      const h = await e.hash(t);
      if (h) hashes[t] = h;
    }
    item.Hashes = hashes;
  }
  return item;
}

/** `lsjson`: entries as a JSON array, in rclone's exact shape. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "lsjson <remote>",
  describe: "List directories and objects in the path in JSON format",
  builder: (y) =>
    filterFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .option("recursive", { alias: "R", type: "boolean", default: false, description: "Recurse into the listing" })
      .option("hash", {
        type: "boolean",
        default: false,
        description: "Include hashes in the output (may take longer)",
      })
      .option("hash-type", {
        type: "string",
        array: true,
        default: [],
        description: "Show only this hash type (may be repeated)",
      })
      .option("no-modtime", { type: "boolean", default: false, description: "Don't read the modification time" })
      .option("no-mimetype", { type: "boolean", default: false, description: "Don't read the mime type" })
      .option("files-only", { type: "boolean", default: false, description: "Show only files in the listing" })
      .option("dirs-only", { type: "boolean", default: false, description: "Show only directories in the listing" })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("lsjson", async (argv) => {
    const filter = await Filter.create(filterOptionsFromArgs(argv));
    const target = await openFilteredTarget(argv.remote, filter);
    const wanted = argv["hash-type"].length > 0 ? argv["hash-type"] : HASH_TYPES;
    const hashTypes = HASH_TYPES.filter((t) => wanted.includes(t) && target.fs.hashes.has(t));
    const maxDepth = argv.recursive ? argv["max-depth"] : 1;
    const out = new Output();
    out.line("[");
    let first = true;
    const opts = {
      maxDepth,
      filesOnly: argv["files-only"],
      dirsOnly: argv["dirs-only"],
      filter,
      modTimes: argv["no-modtime"] ? undefined : { useServerModTime: argv["use-server-modtime"] },
    };
    for await (const e of listTarget(target, opts)) {
      out.write(`${first ? "" : ",\n"}${JSON.stringify(await lsjsonItem(e, argv, hashTypes))}`);
      first = false;
    }
    out.line(first ? "]" : "\n]");
    await out.end();
  }),
};
export default command;
