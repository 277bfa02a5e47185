/**
 * `strata serve sftp`: an SSH server (ssh2's) whose only services are the SFTP subsystem over an
 * `Fs` and the few commands SFTP clients run (see exec.ts). Logins by password (`--user`/`--pass`
 * or an htpasswd file) or by a key of an authorized_keys file.
 */
import type { AddressInfo } from "node:net";
import type { AuthContext, Connection } from "ssh2";
import { log } from "../../fs/log.js";
import type { Credentials } from "../auth.js";
import type { ServeContext } from "../context.js";
import type { StartedServer } from "../run-server.js";
import type { AuthorizedKeys } from "./authorized-keys.js";
import { runCommand } from "./exec.js";
import { serveSftpSession } from "./session.js";
import { ssh2Module } from "./ssh2-module.js";

/** What the SSH side needs besides the shared serve options (whose credentials are the password logins). */
export interface SftpServerOptions {
  /** Private host keys (PEM or OpenSSH format). */
  hostKeys: Buffer[];
  /** Key logins; undefined allows none. */
  authorizedKeys: AuthorizedKeys | undefined;
  /** Anyone may log in (`--no-auth`); no password or key is asked. */
  noAuth: boolean;
}

interface Logins extends SftpServerOptions {
  credentials: Credentials | undefined;
}

/**
 * Serves `ctx.fs` on `ctx.options.listen`; resolves once it listens (rejects when the address
 * cannot be bound). `close` stops listening and ends every connection.
 */
export async function startSftpServer(ctx: ServeContext, sshOptions: SftpServerOptions): Promise<StartedServer> {
  const options: Logins = { ...sshOptions, credentials: ctx.options.credentials };
  const { fs } = ctx;
  const connections = new Set<Connection>();
  // ssh2 is CommonJS: its `Server` is not a named export Node can import.
  const server = new (ssh2Module().Server)({ hostKeys: options.hostKeys }, (client) => {
    connections.add(client);
    client.on("close", () => connections.delete(client));
    client.on("error", (err) => log.debug("sftp", `connection error: ${err.message}`));
    client.on("authentication", (auth) => {
      const refuse = (why: string) => {
        // ssh clients first ask with method "none" to learn the methods: not a failed login.
        if (auth.method !== "none") {
          ctx.metrics.authFailure();
          log.info("sftp", `login of ${JSON.stringify(auth.username)} by ${auth.method} refused${why}`);
        }
        auth.reject(methodsOf(options));
      };
      authenticate(auth, options).then(
        (ok) => (ok ? auth.accept() : refuse("")),
        (err: Error) => refuse(`: ${err.message}`),
      );
    });
    client.on("ready", () => {
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        session.on("sftp", (acceptSftp) => serveSftpSession(acceptSftp(), ctx));
        session.on("exec", (acceptExec, _reject, info) => {
          const channel = acceptExec();
          void runCommand(fs, info.command).then((r) => {
            log.debug("sftp", `exec ${JSON.stringify(info.command)}: exit ${r.code}`);
            channel.write(r.stdout);
            channel.stderr.write(r.stderr);
            channel.exit(r.code);
            channel.end();
          });
        });
      });
    });
  });
  const { host, port } = ctx.options.listen;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.address.includes(":") ? `[${address.address}]` : address.address;
  return {
    url: `sftp://${shown}:${address.port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of connections) client.end();
        server.close(() => resolve());
      }),
  };
}

function methodsOf(options: Logins): ("password" | "publickey")[] {
  const methods: ("password" | "publickey")[] = [];
  if (options.credentials) methods.push("password");
  if (options.authorizedKeys) methods.push("publickey");
  return methods;
}

/** Whether this attempt logs in; a key offered without a signature is only asked about. */
async function authenticate(ctx: AuthContext, options: Logins): Promise<boolean> {
  if (options.noAuth) return true;
  if (ctx.method === "password") return (await options.credentials?.check(ctx.username, ctx.password)) ?? false;
  if (ctx.method !== "publickey" || !options.authorizedKeys) return false;
  const key = options.authorizedKeys.find(ctx.key.data);
  if (!key) return false;
  if (!ctx.signature || !ctx.blob) return true;
  return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true;
}
