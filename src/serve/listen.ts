/** Binding a server to the address `--addr` gave, and naming the address it got. */
import type { AddressInfo, Server } from "node:net";

/** `host:port`, with an IPv6 host in brackets, as a URL needs it. */
export function hostPort(address: AddressInfo): string {
  return `${address.address.includes(":") ? `[${address.address}]` : address.address}:${address.port}`;
}

/**
 * Starts `server` listening on `listen` (`host` undefined: every interface; port 0: the kernel's
 * choice) and resolves with the address bound. Rejects when it cannot be bound (in use, no such host).
 */
export async function listenOn(
  server: Server,
  listen: { host: string | undefined; port: number },
): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}
