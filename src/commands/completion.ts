import type { CommandModule } from "yargs";
import { completionScript, SHELLS, type Shell } from "./completion-scripts.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  shell: Shell;
}

/**
 * `completion <shell>`: prints the shell's completion script (rclone 1.60's `completion`), e.g.
 * `source <(strata completion bash)`.
 */
const command: CommandModule<GlobalArgs, Args> = {
  command: "completion <shell>",
  describe: "Generate the autocompletion script for the specified shell",
  builder: (y) =>
    y.positional("shell", {
      type: "string",
      choices: SHELLS,
      demandOption: true,
      description: "bash, zsh, fish or powershell",
    }) as never,
  handler: run("completion", async (argv) => {
    const out = new Output();
    out.write(completionScript(argv.shell));
    await out.end();
  }),
};
export default command;
