/**
 * A throwaway single-node Ceph for the s3 backend's tests: one monitor, one memstore OSD and radosgw,
 * all on 127.0.0.1 (free mon and rgw ports), cephx with a generated keyring, no mgr, state in one
 * server directory. The recipe is /work/shared/docs/real-servers.md §1b.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, type ServerHandle, serverDir, sleep, spawnLogged, stopPid, waitForPort } from "./process.js";

const run = promisify(execFile);

export interface CephServer extends ServerHandle {
  /** The S3 endpoint, `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The instance's ceph.conf, for admin commands (`radosgw-admin -c …`). */
  readonly confFile: string;
  /** Stops radosgw alone (the mon and OSD keep the data); `hard` kills it with SIGKILL. */
  stopRgw(options?: { hard?: boolean }): Promise<void>;
  /** Starts radosgw again on the same port after `stopRgw`. */
  startRgw(): Promise<void>;
}

const ACCESS_KEY = "STRATATESTACCESS";
const SECRET_KEY = "strata-test-secret-key";

/**
 * ceph.conf for one instance. The mon address says `v1:` because msgr2 is off: given a bare address on a
 * port other than 6789, daemons try msgr2 first and the OSD hunts for its mon for ~50 s before it boots.
 * The paxos timings cut rgw's pool creation from ~13 s to ~1 s. memstore writes its data to disk only
 * on a clean unmount, which the OSD's default fast shutdown skips, so `start` after `stop` needs it off.
 */
function cephConf(dir: string, fsid: string, monPort: number, storeBytes: number): string {
  return `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monPort}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
ms bind msgr2 = false
keyring = ${dir}/keyring
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
mon data = ${dir}/mon/$cluster-$id
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = ${storeBytes}
osd fast shutdown = false
osd memory target = 536870912
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
paxos propose interval = 0.05
paxos min wait = 0.01
mon tick interval = 1
osd heartbeat interval = 1
osd mon report interval = 1
# Deleted objects' data is freed by rgw's garbage collector, by default hours later: in memory that
# would fill the store when tests and benchmarks overwrite and delete as they go.
rgw gc obj min wait = 0
rgw gc processor period = 5
# Debug messages are gathered in memory up to the second level even when not written to the log;
# on thousands of small requests (a chunker over s3) that costs ~15% of the time.
debug ms = 0/0
debug rgw = 0/0
debug osd = 0/0
debug objecter = 0/0
debug rados = 0/0
debug memstore = 0/0
`;
}

/** Retries `check` every 100 ms until it resolves true; throws `what` after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`ceph: ${what} not ready after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/**
 * Starts mon, OSD and radosgw and creates the S3 user; `name` tells instances apart in logs. The OSD
 * keeps objects in memory, up to `storeBytes` (1 GiB unless given).
 */
export async function startCeph(name = "ceph", storeBytes = 1 << 30): Promise<CephServer> {
  const dir = serverDir(name);
  for (const sub of ["run", "log", "mon", "osd/ceph-0"]) mkdirSync(join(dir, sub), { recursive: true });
  const [monPort, port] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  const conf = join(dir, "ceph.conf");
  writeFileSync(conf, cephConf(dir, fsid, monPort, storeBytes));
  const c = ["-c", conf];
  const ceph = (...args: string[]) => run("ceph", [...c, "--connect-timeout", "5", ...args]);
  const keyring = join(dir, "keyring");
  await run("monmaptool", [
    "--create",
    "--clobber",
    "--fsid",
    fsid,
    "--addv",
    "a",
    `[v1:127.0.0.1:${monPort}]`,
    join(dir, "monmap"),
  ]);
  const key = (entity: string, ...caps: string[]) =>
    run("ceph-authtool", [
      keyring,
      "--gen-key",
      "-n",
      entity,
      ...caps.flatMap((cap) => ["--cap", ...cap.split(/ (.*)/s, 2)]),
    ]);
  await run("ceph-authtool", ["--create-keyring", keyring]);
  await key("mon.", "mon allow *");
  await key("client.admin", "mon allow *", "osd allow *", "mgr allow *");
  await key("osd.0", "mon allow profile osd", "osd allow *", "mgr allow profile osd");
  await key("client.rgw.a", "mon allow rw", "osd allow rwx", "mgr allow rw");
  await run("ceph-mon", [...c, "--mkfs", "-i", "a", "--monmap", join(dir, "monmap"), "--keyring", keyring]);

  const pids = { mon: 0, osd: 0, rgw: 0 };
  const log = (what: string) => join(dir, "log", `${what}.out`);
  const startMon = async () => {
    pids.mon = spawnLogged("ceph-mon", [...c, "-i", "a", "-f"], log("mon")).pid ?? 0;
    await waitForPort(monPort);
  };
  const startOsd = async () => {
    pids.osd = spawnLogged("ceph-osd", [...c, "-i", "0", "-f"], log("osd")).pid ?? 0;
    await until(async () => /^osd\.0 up/m.test((await ceph("osd", "dump")).stdout), "osd");
  };
  // tcp_nodelay: beast writes a response's headers and body separately, and with Nagle on every small
  // GET waits ~40 ms for the client's delayed ACK (a chunker over s3 reads thousands of them).
  const startRgw = async () => {
    pids.rgw =
      spawnLogged(
        "radosgw",
        [...c, "-n", "client.rgw.a", "--rgw-frontends", `beast endpoint=127.0.0.1:${port} tcp_nodelay=1`, "-f"],
        log("rgw"),
      ).pid ?? 0;
    await waitForPort(port, 60_000);
  };

  // radosgw first: with its mon or OSD gone it can hang in shutdown.
  const stop = async (options?: { hard?: boolean }) => {
    const signal = options?.hard ? "SIGKILL" : "SIGTERM";
    // A PID of 0 (never started) would signal this whole process group.
    for (const p of ["rgw", "osd", "mon"] as const) if (pids[p]) await stopPid(pids[p], 10_000, signal);
  };
  try {
    await startMon();
    const osdUuid = randomUUID();
    await until(async () => {
      await ceph("osd", "new", osdUuid);
      return true;
    }, "mon");
    await run("ceph-osd", [...c, "-i", "0", "--mkfs", "--osd-uuid", osdUuid]);
    await startOsd();
    await startRgw();
    await run("radosgw-admin", [
      ...c,
      "user",
      "create",
      "--uid=strata",
      "--display-name=strata tests",
      `--access-key=${ACCESS_KEY}`,
      `--secret-key=${SECRET_KEY}`,
    ]);
  } catch (err) {
    // A failed start must not leave daemons behind.
    await stop({ hard: true });
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    name,
    port,
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: SECRET_KEY,
    confFile: conf,
    pids: () => [pids.rgw, pids.osd, pids.mon],
    stop,
    async start() {
      await startMon();
      await startOsd();
      await startRgw();
    },
    stopRgw: async (options) => {
      if (pids.rgw) await stopPid(pids.rgw, 10_000, options?.hard ? "SIGKILL" : "SIGTERM");
    },
    startRgw,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
