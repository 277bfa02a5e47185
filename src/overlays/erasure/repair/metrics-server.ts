/** The HTTP endpoint Prometheus scrapes: GET /metrics on the address given, nothing else. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { FsError } from "../../../fs/errors.js";

/** Where to listen: `host:port`, `[v6]:port`, or `:port` for every interface (rclone's --rc-addr form). */
export function parseListenAddress(text: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[3]);
  if (!m || port > 65535) throw new FsError("Usage", `bad listen address "${text}": want host:port`);
  const host = m[1] ?? m[2];
  return { host: host === "" ? undefined : host, port };
}

export interface MetricsServer {
  /** The address actually bound (the port is the kernel's choice when 0 was given). */
  address: AddressInfo;
  close(): Promise<void>;
}

/** Serves `registry` at http://addr/metrics; rejects when the address cannot be bound. */
export async function serveMetrics(registry: Registry, addr: string): Promise<MetricsServer> {
  const { host, port } = parseListenAddress(addr);
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: try /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(req.method === "HEAD" ? "" : text),
      (err: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${err.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
