import type { CommandModule } from "yargs";
import { newFs } from "../fs/new-fs.js";
import { about, USAGE_FIELDS } from "../fs/operations/about.js";
import { byteUnit, countSuffix } from "../fs/operations/format.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  json: boolean;
  full: boolean;
}

/** `about`: total, used and free space of the remote, where it can tell. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "about <remote>",
  describe: "Get quota information from the remote",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("json", { type: "boolean", default: false, description: "Format output as JSON" })
      .option("full", { type: "boolean", default: false, description: "Full numbers instead of human-readable" }),
  handler: run("about", async (argv) => {
    const usage = await about(await newFs(argv.remote));
    const out = new Output();
    if (argv.json) {
      // rclone's field order, tab-indented as Go's json.Encoder with SetIndent("", "\t").
      const ordered: Record<string, number> = {};
      for (const { key } of USAGE_FIELDS) if (usage[key] !== undefined) ordered[key] = usage[key];
      out.line(JSON.stringify(ordered, null, "\t"));
    } else {
      for (const { key, label, size } of USAGE_FIELDS) {
        const v = usage[key];
        if (v === undefined) continue;
        const text = argv.full ? String(v) : size ? byteUnit(v) : countSuffix(v);
        out.line(`${`${label}:`.padEnd(9)}${text}`);
      }
    }
    await out.end();
  }),
};
export default command;
