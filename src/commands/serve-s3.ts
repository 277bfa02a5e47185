/** `strata serve s3 REMOTE:`: the remote as an S3 service (buckets are its top-level directories). */
import type { Argv, CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { type ServeArgs, serveFlags, type TlsArgs, tlsFlags, tlsFromArgs } from "../serve/options.js";
import { runServer } from "../serve/run-server.js";
import { type ProgressArgs, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, run } from "./shared.js";

type Args = GlobalArgs & ProgressArgs & ServeArgs & TlsArgs & { "auth-key": string[] };

const command: CommandModule<GlobalArgs, Args> = {
  command: "s3 <remote>",
  describe: "Serve the remote over S3",
  builder: (y) =>
    tlsFlags(serveFlags(y, "s3")).option("auth-key", {
      type: "string",
      array: true,
      default: [] as string[],
      description: "Set key pair for v4 authorization: access_key_id,secret_access_key",
    }) as unknown as Argv<Args>,
  handler: run("serve s3", async (argv) => {
    if (argv.user !== undefined || argv.htpasswd !== undefined) {
      throw new FsError(
        "Usage",
        "serve s3 authenticates requests by their signatures: use --auth-key, not --user or --htpasswd",
      );
    }
    const { parseAuthKeys, startS3Server } = await import("../serve/s3/server.js");
    const keys = parseAuthKeys(argv["auth-key"]);
    const tls = await tlsFromArgs(argv);
    await runServer(
      argv,
      "s3",
      (stats) => progressFromArgs(stats, argv),
      (ctx) => startS3Server(ctx, keys, tls),
    );
  }),
};
export default command;
