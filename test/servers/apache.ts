/**
 * A standalone Apache httpd with mod_dav_fs for the webdav backend's tests: its own config (none of
 * /etc/apache2 is read), basic auth from its own htpasswd, on 127.0.0.1 and a free port.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { descendants, freePort, type ServerHandle, serverDir, spawnLogged, stopTree, waitForPort } from "./process.js";

export const APACHE = "/usr/sbin/apache2";
const MODULES = "/usr/lib/apache2/modules";

export interface ApacheServer extends ServerHandle {
  /** The WebDAV root, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  readonly user: string;
  readonly pass: string;
  /** The directory served as the WebDAV root. */
  readonly dataDir: string;
}

/** Starts Apache on a free port; `name` tells several apart in logs. */
export async function startApache(name = "apache"): Promise<ApacheServer> {
  const dir = serverDir(name);
  const dataDir = join(dir, "data");
  const lockDir = join(dir, "lock");
  for (const d of [dataDir, lockDir, join(dir, "logs")]) mkdirSync(d);
  // mkdtemp makes the directory 0700; the workers must be able to reach the data below it.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const user = "strata";
  const pass = "secret";
  execFileSync("htpasswd", ["-bc", join(dir, "htpasswd"), user, pass], { stdio: "ignore" });
  // httpd refuses to serve as root: as root its workers run as www-data, who must own the data.
  let runUser = execFileSync("id", ["-un"], { encoding: "utf8" }).trim();
  if (process.getuid?.() === 0) {
    runUser = "www-data";
    const uid = Number(execFileSync("id", ["-u", runUser], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", runUser], { encoding: "utf8" }));
    chownSync(dataDir, uid, gid);
    chownSync(lockDir, uid, gid);
  }
  const runGroup = execFileSync("id", ["-gn", runUser], { encoding: "utf8" }).trim();
  const config = join(dir, "httpd.conf");
  writeFileSync(
    config,
    [
      `ServerRoot ${dir}`,
      "ServerName 127.0.0.1",
      `Listen 127.0.0.1:${port}`,
      `PidFile ${join(dir, "httpd.pid")}`,
      `ErrorLog ${join(dir, "logs", "error.log")}`,
      "LogLevel warn",
      `Mutex file:${lockDir} default`,
      `DefaultRuntimeDir ${lockDir}`,
      `User ${runUser}`,
      `Group ${runGroup}`,
      ...[
        "mpm_event",
        "authn_core",
        "authn_file",
        "authz_core",
        "authz_user",
        "auth_basic",
        "mime",
        "dav",
        "dav_fs",
      ].map((m) => `LoadModule ${m}_module ${MODULES}/mod_${m}.so`),
      "StartServers 1",
      "ServerLimit 1",
      "ThreadsPerChild 32",
      "MaxRequestWorkers 32",
      "TypesConfig /etc/mime.types",
      `DAVLockDB ${join(lockDir, "DAVLock")}`,
      `DocumentRoot ${dataDir}`,
      `<Directory ${dataDir}>`,
      "  Dav On",
      "  AuthType Basic",
      '  AuthName "dav"',
      `  AuthUserFile ${join(dir, "htpasswd")}`,
      "  Require valid-user",
      "  Options None",
      "  AllowOverride None",
      "</Directory>",
      "",
    ].join("\n"),
  );

  let pid = 0;
  const start = async () => {
    const child = spawnLogged(APACHE, ["-f", config, "-DFOREGROUND"], join(dir, "logs", "stdout.log"));
    pid = child.pid ?? 0;
    await waitForPort(port);
  };
  const pids = () => (pid ? [pid, ...descendants(pid)] : []);
  // A hard stop SIGKILLs the workers too, as a crash would: killing the parent alone leaves them serving.
  const stop = (options?: { hard?: boolean }) => stopTree(pid, options?.hard ?? false);
  await start();
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}/`,
    user,
    pass,
    dataDir,
    pids,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
