import type { CommandModule } from "yargs";
import { complete, formatCompletion } from "./completion-candidates.js";
import { ctx, type GlobalArgs, run } from "./shared.js";

interface Args extends GlobalArgs {
  words: string[];
}

/**
 * `__complete -- <words…>`: what the completion scripts call on each Tab (hidden from the command
 * list, as cobra's). The words follow `--` so that flags being typed arrive as words.
 */
const command: CommandModule<GlobalArgs, Args> = {
  command: "__complete [words..]",
  describe: false,
  builder: (y) => y.positional("words", { type: "string", array: true, default: [] }),
  handler: run("__complete", async (argv) => {
    // The command list imports this module: it is read when Tab is pressed, not at load.
    const commands = await (await import("./index.js")).loadCommands();
    const words = argv.words.map(String);
    process.stdout.write(formatCompletion(complete(commands, words.length > 0 ? words : [""], ctx().config.names())));
  }),
};
export default command;
