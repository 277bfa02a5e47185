import type { CommandModule } from "yargs";
import { reveal } from "../fs/obscure.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  password: string;
}

/** `reveal`: the plain text of an obscured password. Fails (exit 1) on input that is not obscured. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "reveal <password>",
  describe: "Reveal obscured password from a config file",
  builder: (y) => y.positional("password", { type: "string", demandOption: true }),
  handler: run("reveal", async (argv) => {
    const out = new Output();
    out.line(reveal(argv.password));
    await out.end();
  }),
};
export default command;
