/** `strata serve sftp REMOTE:`: the remote over SFTP, for sftp clients, sshfs and rclone's sftp backend. */
import { homedir } from "node:os";
import type { Argv, CommandModule } from "yargs";
import { FsError } from "../fs/errors.js";
import { type ServeArgs, serveFlags } from "../serve/options.js";
import { runServer } from "../serve/run-server.js";
import { type ProgressArgs, progressFromArgs } from "./progress-flags.js";
import { type GlobalArgs, run } from "./shared.js";

interface SftpArgs {
  key: string[];
  "authorized-keys": string;
  "no-auth": boolean;
}

type Args = GlobalArgs & ProgressArgs & ServeArgs & SftpArgs;

const DEFAULT_AUTHORIZED_KEYS = "~/.ssh/authorized_keys";

const command: CommandModule<GlobalArgs, Args> = {
  command: "sftp <remote>",
  describe: "Serve the remote over SFTP",
  builder: (y) =>
    serveFlags(y, "sftp")
      .option("key", {
        type: "string",
        array: true,
        default: [] as string[],
        description: "SSH private host key file (Can be multi-valued, leave blank to auto generate)",
      })
      .option("authorized-keys", {
        type: "string",
        default: DEFAULT_AUTHORIZED_KEYS,
        description: "Authorized keys file",
      })
      .option("no-auth", {
        type: "boolean",
        default: false,
        description: "Allow connections with no authentication if set",
      }) as unknown as Argv<Args>,
  handler: run("serve sftp", async (argv) => {
    // ssh2 loads only when an sftp server is started.
    const { loadHostKeys } = await import("../serve/sftp/host-keys.js");
    const { loadAuthorizedKeys } = await import("../serve/sftp/authorized-keys.js");
    const { startSftpServer } = await import("../serve/sftp/server.js");
    const hostKeys = await loadHostKeys(argv.key);
    const keysFile = argv["authorized-keys"].replace(/^~(?=\/|$)/, homedir());
    // The default file is used when it exists, as rclone does; one named on the command line must.
    const explicit = argv["authorized-keys"] !== DEFAULT_AUTHORIZED_KEYS;
    const authorizedKeys = await loadAuthorizedKeys(keysFile).catch((err: unknown) =>
      explicit ? Promise.reject(err) : undefined,
    );
    const noAuth = argv["no-auth"];
    if (!noAuth && !authorizedKeys && argv.user === undefined && argv.htpasswd === undefined) {
      throw new FsError("Usage", "no authorization found, use --user/--pass or --authorized-keys or --no-auth");
    }
    await runServer(
      argv,
      "sftp",
      (stats) => progressFromArgs(stats, argv),
      (ctx) => startSftpServer(ctx, { hostKeys, authorizedKeys, noAuth }),
    );
  }),
};
export default command;
