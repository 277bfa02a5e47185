/**
 * The flags every `strata serve <protocol>` command shares (rclone's names and defaults), and the
 * options a server is started with once they are checked.
 */
import { readFile } from "node:fs/promises";
import type { Argv } from "yargs";
import { FsError } from "../fs/errors.js";
import { parseListenAddress } from "../overlays/erasure/repair/metrics-server.js";
import { type Credentials, loadHtpasswd, userPassword } from "./auth.js";

/** The protocols `strata serve` speaks. */
export type ServeProtocol = "http" | "webdav" | "sftp" | "s3";

/** rclone's default listen address per protocol (always the loopback interface). */
export const DEFAULT_ADDR: Readonly<Record<ServeProtocol, string>> = {
  http: "127.0.0.1:8080",
  webdav: "127.0.0.1:8080",
  sftp: "127.0.0.1:2022",
  s3: "127.0.0.1:8080",
};

/** The command-line values of the shared flags. */
export interface ServeArgs {
  remote: string;
  addr: string;
  user?: string;
  pass?: string;
  htpasswd?: string;
  "read-only": boolean;
  "metrics-addr"?: string;
}

/** The TLS flags of the HTTP-based servers (http, webdav, s3). */
export interface TlsArgs {
  cert?: string;
  key?: string;
}

/** Declares the remote argument and the shared flags, with `protocol`'s default address. */
export function serveFlags<T>(y: Argv<T>, protocol: ServeProtocol): Argv<T & ServeArgs> {
  return y
    .positional("remote", { type: "string", demandOption: true, description: "The remote to serve" })
    .option("addr", {
      type: "string",
      default: DEFAULT_ADDR[protocol],
      description: "IPaddress:Port or :Port to bind server to",
    })
    .option("user", { type: "string", description: "User name for authentication" })
    .option("pass", { type: "string", description: "Password for authentication" })
    .option("htpasswd", {
      type: "string",
      description: "A htpasswd file (bcrypt, apr1 or SHA entries) - if not provided no authentication is done",
    })
    .option("read-only", { type: "boolean", default: false, description: "Only allow read-only access" })
    .option("metrics-addr", {
      type: "string",
      description: "Serve Prometheus metrics at http://ADDR/metrics (host:port; off by default)",
    }) as unknown as Argv<T & ServeArgs>;
}

/** Declares `--cert` and `--key` (PEM files) for a server that speaks HTTP. */
export function tlsFlags<T>(y: Argv<T>): Argv<T & TlsArgs> {
  return y
    .option("cert", { type: "string", description: "SSL PEM key (concatenation of certificate and CA certificate)" })
    .option("key", { type: "string", description: "SSL PEM Private key" }) as unknown as Argv<T & TlsArgs>;
}

/** A server's settings once the flags are checked. */
export interface ServeOptions {
  /** Where to listen; `host` undefined means every interface (`--addr :8080`). */
  listen: { host: string | undefined; port: number };
  /** Who may log in; undefined when the server is open (no --user, no --htpasswd). */
  credentials: Credentials | undefined;
  readOnly: boolean;
  metricsAddr: string | undefined;
}

/**
 * Checks the shared flags: the address must be `host:port`, `--pass` needs `--user`, and
 * `--htpasswd` excludes `--user`. Throws `Usage` for those, and what `loadHtpasswd` throws.
 */
export async function serveOptionsFromArgs(argv: Omit<ServeArgs, "remote">): Promise<ServeOptions> {
  const listen = parseListenAddress(argv.addr);
  if (argv.pass !== undefined && argv.user === undefined) throw new FsError("Usage", "--pass needs --user");
  if (argv.htpasswd !== undefined && argv.user !== undefined) {
    throw new FsError("Usage", "use either --htpasswd or --user/--pass, not both");
  }
  const credentials =
    argv.htpasswd !== undefined
      ? await loadHtpasswd(argv.htpasswd)
      : argv.user !== undefined
        ? userPassword(argv.user, argv.pass ?? "")
        : undefined;
  return { listen, credentials, readOnly: argv["read-only"], metricsAddr: argv["metrics-addr"] };
}

/** `--cert` and `--key` read for `https.createServer`, or undefined for plain HTTP; both or neither. */
export async function tlsFromArgs(argv: TlsArgs): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (argv.cert === undefined && argv.key === undefined) return undefined;
  if (argv.cert === undefined || argv.key === undefined) throw new FsError("Usage", "--cert and --key go together");
  return { cert: await readFile(argv.cert), key: await readFile(argv.key) };
}
