/** `strata mount REMOTE:path MOUNTPOINT`: the remote as a local file system, through FUSE and the VFS. */
import type { Argv, CommandModule } from "yargs";
import { asFsError } from "../fs/errors.js";
import { log } from "../fs/log.js";
import { newFs } from "../fs/new-fs.js";
import { formatBytes, parseDuration } from "../fs/units.js";
import { type MetricsServer, serveMetrics } from "../overlays/erasure/repair/metrics-server.js";
import { mountRegistry } from "../vfs/fuse/metrics.js";
import { type FuseMount, mountVfs } from "../vfs/fuse/mount.js";
import { openVfs } from "../vfs/open-vfs.js";
import type { Vfs } from "../vfs/types.js";
import { isDaemonChild, reportToParent, startDaemon } from "./mount-daemon.js";
import { type GlobalArgs, run } from "./shared.js";
import { type VfsArgs, vfsOptionsOf, withVfsFlags } from "./vfs-flags.js";

interface MountArgs extends GlobalArgs, VfsArgs {
  remote: string;
  mountpoint: string;
  "allow-other": boolean;
  "allow-non-empty": boolean;
  "default-permissions": boolean;
  "attr-timeout": string;
  daemon: boolean;
  "daemon-wait": string;
  devname?: string;
  "metrics-addr"?: string;
}

/** Logs the mount's counters at INFO every `intervalMs` (rclone's `--stats` at `-v`). */
function logStats(mount: FuseMount, intervalMs: number): () => void {
  if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) return () => {};
  const c = mount.counters;
  const timer = setInterval(() => {
    log.info(
      mount.dir,
      `${c.requests} requests (${c.errors} errors), ${formatBytes(c.bytesRead)} read, ${formatBytes(c.bytesWritten)} written`,
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Resolves with the signal's name on the first SIGINT or SIGTERM; later ones are logged and ignored. */
function nextStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    let stopping = false;
    const on = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.notice(undefined, `${signal} received: still uploading pending files before exiting`);
        return;
      }
      stopping = true;
      resolve(signal);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

/**
 * Serves the mount until a signal or an unmount from outside, then unmounts, uploads what is still
 * pending (`Vfs.close`) and stops the metrics server.
 */
async function serveUntilStopped(
  stopSignal: Promise<string>,
  vfs: Vfs,
  mount: FuseMount,
  metrics: MetricsServer | undefined,
  statsMs: number,
) {
  const stopStats = logStats(mount, statsMs);
  const why = await Promise.race([stopSignal, mount.ended.then(() => "unmounted")]);
  log.info(mount.dir, `${why}: unmounting`);
  const error = await mount.unmount();
  if (error !== undefined) log.error(mount.dir, `unmount failed: ${error}`);
  await vfs.close();
  stopStats();
  await metrics?.close();
  log.info(mount.dir, "unmounted, pending uploads done");
}

const command: CommandModule<GlobalArgs, MountArgs> = {
  command: "mount <remote> <mountpoint>",
  describe: "Mount the remote as file system on a mountpoint",
  builder: (y) =>
    withVfsFlags(y)
      .positional("remote", { type: "string", demandOption: true })
      .positional("mountpoint", { type: "string", demandOption: true })
      .option("allow-other", { type: "boolean", default: false, description: "Allow access to other users" })
      .option("allow-non-empty", {
        type: "boolean",
        default: false,
        description: "Allow mounting over a non-empty directory",
      })
      .option("default-permissions", {
        type: "boolean",
        default: false,
        description: "Makes kernel enforce access control based on the file mode",
      })
      .option("attr-timeout", {
        type: "string",
        default: "1s",
        description: "Time for which file/directory attributes are cached",
      })
      .option("daemon", {
        type: "boolean",
        default: false,
        description: "Run mount in background and exit parent process (use --log-file to see its output)",
      })
      .option("daemon-wait", {
        type: "string",
        default: "1m0s",
        description: "Time to wait for ready mount from daemon",
      })
      .option("devname", { type: "string", description: "Set the device name - default is remote:path" })
      .option("metrics-addr", {
        type: "string",
        description: "Serve Prometheus metrics at http://ADDR/metrics (host:port; off by default)",
      }) as Argv<MountArgs>,
  handler: run("mount", async (argv) => {
    const options = vfsOptionsOf(argv);
    const attrTimeout = parseDuration(argv["attr-timeout"]);
    if (argv.daemon) {
      await startDaemon(parseDuration(argv["daemon-wait"]));
      return;
    }
    // Listening before anything is mounted: a signal during start-up then unmounts cleanly, never kills.
    const stopSignal = nextStopSignal();
    let vfs: Vfs | undefined;
    let mount: FuseMount;
    let metrics: MetricsServer | undefined;
    try {
      vfs = await openVfs(await newFs(argv.remote), options);
      mount = mountVfs(vfs, argv.mountpoint, {
        source: argv.devname ?? argv.remote,
        allowOther: argv["allow-other"],
        allowNonEmpty: argv["allow-non-empty"],
        defaultPermissions: argv["default-permissions"],
        readOnly: options.readOnly,
        attrTimeout,
      });
      if (argv["metrics-addr"] !== undefined) {
        metrics = await serveMetrics(mountRegistry(mount.counters), argv["metrics-addr"]);
      }
    } catch (err) {
      await vfs?.close();
      const error = asFsError(err, "Other");
      reportToParent({ error: error.message, code: error.code });
      throw error;
    }
    log.info(mount.dir, `mounted ${argv.remote}${metrics ? `; metrics on port ${metrics.address.port}` : ""}`);
    reportToParent({ mounted: true });
    if (isDaemonChild()) process.chdir("/");
    await serveUntilStopped(stopSignal, vfs, mount, metrics, parseDuration(argv.stats));
  }),
};
export default command;
