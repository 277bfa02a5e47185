/**
 * Prometheus counters of a running server (prom-client), in a registry of their own. Every
 * protocol counts into the same names with its own `protocol` label; docs/serve.md lists them.
 */
import { Counter, Registry } from "prom-client";
import type { ServeProtocol } from "./options.js";

const PREFIX = "strata_serve_";

export class ServeMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: `${PREFIX}requests_total`,
    help: "Requests answered, by protocol, method and status",
    labelNames: ["protocol", "method", "status"],
    registers: [this.registry],
  });
  private readonly bytes = new Counter({
    name: `${PREFIX}bytes_total`,
    help: "File bytes sent to clients (read) and received from them (written)",
    labelNames: ["protocol", "direction"],
    registers: [this.registry],
  });
  private readonly transfers = new Counter({
    name: `${PREFIX}transfers_total`,
    help: "File downloads (read) and uploads (written) finished, by outcome",
    labelNames: ["protocol", "direction", "outcome"],
    registers: [this.registry],
  });
  private readonly authFailures = new Counter({
    name: `${PREFIX}auth_failures_total`,
    help: "Logins refused",
    labelNames: ["protocol"],
    registers: [this.registry],
  });

  constructor(readonly protocol: ServeProtocol) {
    // Zero series from the start, so a scrape before any traffic shows every name.
    for (const direction of ["read", "written"]) this.bytes.inc({ protocol, direction }, 0);
    this.authFailures.inc({ protocol }, 0);
  }

  /** Counts one answered request (`method` is the protocol's verb: GET, PROPFIND, OPEN, …). */
  request(method: string, status: number | string): void {
    this.requests.inc({ protocol: this.protocol, method, status: String(status) });
  }

  /** Counts file bytes as they pass. */
  addBytes(direction: "read" | "written", n: number): void {
    this.bytes.inc({ protocol: this.protocol, direction }, n);
  }

  /** Counts one finished file transfer. */
  transfer(direction: "read" | "written", ok: boolean): void {
    this.transfers.inc({ protocol: this.protocol, direction, outcome: ok ? "ok" : "failed" });
  }

  authFailure(): void {
    this.authFailures.inc({ protocol: this.protocol });
  }
}
