/** What every `strata serve <protocol>` command does around its server: open, count, serve until a signal. */
import { Stats } from "../fs/accounting/stats.js";
import { log } from "../fs/log.js";
import { closeAll, newFs } from "../fs/new-fs.js";
import { serveMetrics } from "../overlays/erasure/repair/metrics-server.js";
import type { ServeContext } from "./context.js";
import { hostPort } from "./listen.js";
import { ServeMetrics } from "./metrics.js";
import { type ServeArgs, type ServeProtocol, serveOptionsFromArgs } from "./options.js";

/** A started server: where clients reach it, and how to stop it. */
export interface StartedServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Opens `argv.remote`, starts the server `start` builds on it, logs `Serving on URL` (NOTICE, so
 * scripts and tests can read the address, also with `--addr :0`), serves `--metrics-addr`, and
 * ends the process once SIGINT or SIGTERM has stopped it, as rclone's serve does (a read a client
 * left unfinished must not keep the process alive). `startStats` reports the transfers as the
 * --stats/-v/--progress flags ask, and returns the function that prints the final stats.
 */
export async function runServer(
  argv: ServeArgs,
  protocol: ServeProtocol,
  startStats: (stats: Stats) => () => void,
  start: (ctx: ServeContext) => Promise<StartedServer>,
): Promise<void> {
  const options = await serveOptionsFromArgs(argv);
  const fs = await newFs(argv.remote);
  const ctx: ServeContext = { fs, options, stats: new Stats(), metrics: new ServeMetrics(protocol) };
  const metricsServer = options.metricsAddr ? await serveMetrics(ctx.metrics.registry, options.metricsAddr) : undefined;
  if (metricsServer) {
    log.notice(undefined, `Serving metrics on http://${hostPort(metricsServer.address)}/metrics`);
  }
  const stopStats = startStats(ctx.stats);
  try {
    const server = await start(ctx);
    log.notice(fs.toString(), `Serving ${protocol} on ${server.url}`);
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    log.notice(undefined, `${signal} received: stopping`);
    await server.close();
  } finally {
    stopStats();
    await metricsServer?.close();
  }
  await closeAll();
  process.exit(process.exitCode ?? 0);
}
