import type { CommandModule } from "yargs";
import { listTarget } from "../fs/operations/list.js";
import { openTarget } from "../fs/operations/target.js";
import { Output, run } from "./shared.js";

interface Args {
  remote: string;
  "max-depth": number;
}

/** `ls`: size and path of every file, recursively. */
const command: CommandModule<object, Args> = {
  command: "ls <remote>",
  describe: "List the objects in the path with size and path",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("ls", async (argv) => {
    const out = new Output();
    for await (const e of listTarget(await openTarget(argv.remote), { maxDepth: argv["max-depth"], filesOnly: true })) {
      out.line(`${String(e.kind === "file" ? e.size : -1).padStart(9)} ${e.remote}`);
    }
    await out.end();
  }),
};
export default command;
