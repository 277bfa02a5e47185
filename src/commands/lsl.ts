import type { CommandModule } from "yargs";
import { listTarget } from "../fs/operations/list.js";
import { openTarget } from "../fs/operations/target.js";
import { formatTime, Output, run } from "./shared.js";

interface Args {
  remote: string;
  "max-depth": number;
}

/** `lsl`: size, modtime and path of every file, recursively. */
const command: CommandModule<object, Args> = {
  command: "lsl <remote>",
  describe: "List the objects in path with modification time, size and path",
  builder: (y) =>
    y
      .positional("remote", { type: "string", demandOption: true })
      .option("max-depth", { type: "number", default: -1, description: "If set limits the recursion depth to this" }),
  handler: run("lsl", async (argv) => {
    const out = new Output();
    for await (const e of listTarget(await openTarget(argv.remote), { maxDepth: argv["max-depth"], filesOnly: true })) {
      if (e.kind === "file") out.line(`${String(e.size).padStart(9)} ${formatTime(e.modTime, 9)} ${e.remote}`);
    }
    await out.end();
  }),
};
export default command;
