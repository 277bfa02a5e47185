/** Reading one request header as text, whatever Node's typing of its name. */
import type { IncomingMessage } from "node:http";

/** The header's value (the first, when a client repeated it), or undefined when absent. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
