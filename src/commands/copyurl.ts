import type { CommandModule } from "yargs";
import { Stats } from "../fs/accounting/stats.js";
import { FsError } from "../fs/errors.js";
import { newFs } from "../fs/new-fs.js";
import { copyUrl, copyUrlTo } from "../fs/operations/copyurl.js";
import { splitRemote } from "../fs/operations/target.js";
import { runWithRetries } from "../fs/sync/run.js";
import { SIGPIPE_EXIT, stdoutWriter } from "./cat.js";
import { isDashArg } from "./hashsum.js";
import { type GlobalArgs, Output, run } from "./shared.js";

interface Args extends GlobalArgs {
  url: string;
  dest?: string;
  "auto-filename": boolean;
  "header-filename": boolean;
  "print-filename": boolean;
  "no-clobber": boolean;
  stdout: boolean;
}

/** `copyurl`: a URL's content to a remote file (or stdout), streamed, with --retries as rclone. */
const command: CommandModule<GlobalArgs, Args> = {
  command: "copyurl <url> [dest]",
  describe: "Copy url content to dest",
  builder: (y) =>
    y
      .positional("url", { type: "string", demandOption: true, description: "https://example.com/file" })
      .positional("dest", { type: "string", description: "dest:path (a directory with --auto-filename; - for stdout)" })
      .option("auto-filename", {
        alias: "a",
        type: "boolean",
        default: false,
        description: "Get the file name from the URL and use it for destination file path",
      })
      .option("header-filename", {
        type: "boolean",
        default: false,
        description: "Get the file name from the Content-Disposition header",
      })
      .option("print-filename", {
        alias: "p",
        type: "boolean",
        default: false,
        description: "Print the resulting name from --auto-filename",
      })
      .option("no-clobber", { type: "boolean", default: false, description: "Prevent overwriting file with same name" })
      .option("stdout", {
        type: "boolean",
        default: false,
        description: "Write the output to stdout rather than a file",
      }),
  handler: run("copyurl", async (argv) => {
    if (argv.stdout || isDashArg(argv.dest)) {
      const write = stdoutWriter();
      await copyUrlTo(argv.url, async (chunk) => {
        if (await write(chunk)) return true;
        process.exitCode = SIGPIPE_EXIT;
        return false;
      });
      return;
    }
    if (argv.dest === undefined) throw new FsError("Usage", "need 2 arguments if not using --stdout");
    const auto = argv["auto-filename"];
    const { parent, leaf } = auto ? { parent: argv.dest, leaf: "" } : splitRemote(argv.dest);
    if (!auto && leaf === "")
      throw new FsError("Usage", `${argv.dest} is a directory: copyurl needs a file name or -a`);
    const dst = await newFs(parent);
    await runWithRetries(new Stats(), { retries: argv.retries }, async () => {
      const stored = await copyUrl(dst, leaf, argv.url, {
        autoFilename: auto,
        headerFilename: argv["header-filename"],
        noClobber: argv["no-clobber"],
        dryRun: argv["dry-run"],
      });
      if (argv["print-filename"] && stored) {
        const out = new Output();
        out.line(stored.remote);
        await out.end();
      }
    });
  }),
};
export default command;
