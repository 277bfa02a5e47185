/**
 * The HTTP(S) agents of a WebDAV remote: keep-alive with a bound, and rclone's --contimeout and
 * --timeout on every socket, which the fetch the WebDAV client uses does not enforce by itself.
 */
import { Agent, type AgentOptions } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Duplex } from "node:stream";
import { netTimeouts, socketTimeout } from "../../fs/net-timeouts.js";

/** An agent's connection maker, as node:http calls it. */
type CreateConnection = (options: object, callback: (err: Error | null, socket: Duplex) => void) => Duplex;

/** Agents for http: and https: URLs. */
export function makeAgents(): { httpAgent: Agent; httpsAgent: HttpsAgent } {
  // Keep-alive with a bound, so twenty parallel transfers reuse connections instead of opening new ones.
  const options: AgentOptions = { keepAlive: true, maxSockets: 16 };
  return { httpAgent: timed(new Agent(options)), httpsAgent: timed(new HttpsAgent(options)) };
}

/**
 * `agent` with its sockets failing when connecting takes longer than the connect timeout, or when a
 * connected socket stays silent longer than the idle timeout (an idle kept-alive socket is closed
 * then, and the next request opens another).
 */
function timed<A extends Agent>(agent: A): A {
  const { connectMs, idleMs } = netTimeouts();
  const connectLimit = socketTimeout(connectMs);
  const idleLimit = socketTimeout(idleMs);
  const withTimeouts = agent as unknown as { createConnection: CreateConnection };
  const create = withTimeouts.createConnection.bind(agent);
  withTimeouts.createConnection = (options, callback) => {
    const socket = create(options, callback) as Duplex & { setTimeout(ms: number, cb?: () => void): void };
    const connected = () => {
      clearTimeout(timer);
      if (idleLimit > 0) {
        socket.setTimeout(idleLimit, () => socket.destroy(timeoutError(`i/o timeout after ${idleLimit} ms idle`)));
      }
    };
    const timer =
      connectLimit > 0
        ? setTimeout(() => socket.destroy(timeoutError(`connect timed out after ${connectLimit} ms`)), connectLimit)
        : undefined;
    socket.once("connect", connected);
    socket.once("close", () => clearTimeout(timer));
    return socket;
  };
  return agent;
}

/** A timeout as the socket layer reports one (ETIMEDOUT), so it is retried as a temporary failure. */
function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { code: "ETIMEDOUT" });
}
