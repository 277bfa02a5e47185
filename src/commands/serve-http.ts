/** `strata serve http REMOTE:`: a browsable, read-only HTTP view of a remote. */
import type { Argv, CommandModule } from "yargs";
import { handleHttp } from "../serve/http/handler.js";
import { startHttpServer } from "../serve/http-server.js";
import { type ServeArgs, serveFlags, type TlsArgs, tlsFlags, tlsFromArgs } from "../serve/options.js";
import { runServer } from "../serve/run-server.js";
import { type ProgressArgs, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, run } from "./shared.js";

type Args = GlobalArgs & ProgressArgs & ServeArgs & TlsArgs;

const command: CommandModule<GlobalArgs, Args> = {
  command: "http <remote>",
  describe: "Serve the remote over HTTP",
  builder: (y) => tlsFlags(serveFlags(y, "http")) as unknown as Argv<Args>,
  handler: run("serve http", async (argv) => {
    const tls = await tlsFromArgs(argv);
    await runServer(
      argv,
      "http",
      (stats) => progressFromArgs(stats, argv),
      (ctx) => startHttpServer(ctx, tls, (req, res, signal) => handleHttp(ctx, req, res, signal)),
    );
  }),
};
export default command;
