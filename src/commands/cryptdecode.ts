import type { CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { newFs } from "../fs/new-fs.js";
import { cryptDecode } from "../overlays/crypt/cryptdecode.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  remote: string;
  names: string[];
  reverse: boolean;
}

/** rclone takes at most 10 names per call. */
const MAX_NAMES = 10;

/** `cryptdecode`: decrypts (or with --reverse encrypts) file names of a crypt remote. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "cryptdecode <remote> <names..>",
  describe: "Cryptdecode returns unencrypted file names",
  builder: (y) =>
    y
      .option("reverse", { type: "boolean", default: false, description: "Reverse cryptdecode, encrypts filenames" })
      .positional("remote", { type: "string", demandOption: true })
      .positional("names", { type: "string", array: true, demandOption: true }) as never,
  handler: run("cryptdecode", async (argv) => {
    const args = [argv.remote, ...argv.names.map(String)];
    if (args.length > MAX_NAMES + 1) {
      const quoted = args.map((a) => JSON.stringify(a)).join(" ");
      throw new FsError(
        "Usage",
        `Command cryptdecode needs ${MAX_NAMES + 1} arguments maximum: you provided ${args.length} non flag arguments: [${quoted}]`,
      );
    }
    const out = new Output();
    for (const line of cryptDecode(await newFs(argv.remote), argv.names.map(String), argv.reverse)) out.line(line);
    await out.end();
  }),
};
export default command;
