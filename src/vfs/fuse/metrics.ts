/**
 * A mount's Prometheus metrics (prom-client), read from the session's counters at each scrape, in a
 * registry of their own. docs/mount.md lists them.
 */
import { Counter, Registry } from "prom-client";
import type { SessionCounters } from "./session.js";

const PREFIX = "strata_mount_";

/** A registry whose counters mirror `counters` when scraped. */
export function mountRegistry(counters: SessionCounters): Registry {
  const registry = new Registry();
  const mirror = (name: string, help: string, read: () => number) =>
    new Counter({
      name: `${PREFIX}${name}`,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  mirror("requests_total", "Kernel requests served", () => counters.requests);
  mirror("errors_total", "Kernel requests answered with an error", () => counters.errors);
  mirror("read_bytes_total", "File bytes read through the mount", () => counters.bytesRead);
  mirror("written_bytes_total", "File bytes written through the mount", () => counters.bytesWritten);
  return registry;
}
