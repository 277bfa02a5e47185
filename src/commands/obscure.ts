import type { CommandModule } from "yargs";
import { obscure } from "../fs/obscure.js";
import { isDashArg, stdinIsData } from "./hashsum.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  password: string;
}

/** The first line of stdin without its line end (`\n` or `\r\n`), as Go's bufio.Scanner reads it. */
async function firstLine(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    const nl = chunk.indexOf(10);
    if (nl >= 0) {
      parts.push(chunk.subarray(0, nl));
      break;
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString("utf8").replace(/\r$/, "");
}

/** `obscure`: a password in the form config files store it; `-` reads it from stdin. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "obscure <password>",
  describe: "Obscure password for use in the config file",
  builder: (y) =>
    y.positional("password", {
      type: "string",
      demandOption: true,
      description: "The password, or - to read it from stdin",
    }),
  handler: run("obscure", async (argv) => {
    // As rclone: `-` reads stdin only when something is piped in; at a terminal it is the password.
    const dash = isDashArg(argv.password);
    const password = dash && stdinIsData() ? await firstLine() : dash ? "-" : argv.password;
    const out = new Output();
    out.line(obscure(password));
    await out.end();
  }),
};
export default command;
