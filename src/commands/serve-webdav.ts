/** `strata serve webdav REMOTE:`: the remote over WebDAV (class 1 and 2). */
import type { Argv, CommandModule } from "yargs";
import { startHttpServer } from "../serve/http-server.js";
import { type ServeArgs, serveFlags, type TlsArgs, tlsFlags, tlsFromArgs } from "../serve/options.js";
import { runServer } from "../serve/run-server.js";
import { webdavHandler } from "../serve/webdav/handler.js";
import { type ProgressArgs, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, run } from "./shared.js";

type Args = GlobalArgs & ProgressArgs & ServeArgs & TlsArgs;

const command: CommandModule<GlobalArgs, Args> = {
  command: "webdav <remote>",
  describe: "Serve the remote over WebDAV",
  builder: (y) => tlsFlags(serveFlags(y, "webdav")) as unknown as Argv<Args>,
  handler: run("serve webdav", async (argv) => {
    const tls = await tlsFromArgs(argv);
    await runServer(
      argv,
      "webdav",
      (stats) => progressFromArgs(stats, argv),
      (ctx) => startHttpServer(ctx, tls, webdavHandler(ctx)),
    );
  }),
};
export default command;
