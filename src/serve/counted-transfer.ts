/** One file transfer of a server, counted in its stats (-v, --progress) and its Prometheus metrics. */
import { tapBody } from "../fs/body.js";
import type { Body } from "../fs/types.js";
import type { ServeContext } from "./context.js";

/**
 * Runs `work`, which moves one file's bytes through the body wrapper it is given: the bytes are
 * counted as they pass, and the transfer as done, or failed when `work` throws (which is rethrown).
 * `size` is -1 when unknown.
 */
export async function countedTransfer<T>(
  ctx: ServeContext,
  direction: "read" | "written",
  remote: string,
  size: number,
  signal: AbortSignal | undefined,
  work: (count: (body: Body) => Body) => Promise<T>,
): Promise<T> {
  const transfer = ctx.stats.startTransfer(remote, size);
  try {
    const result = await work((body) =>
      tapBody(transfer.account(body, signal), (part) => ctx.metrics.addBytes(direction, part.length)),
    );
    transfer.done();
    ctx.metrics.transfer(direction, true);
    return result;
  } catch (err) {
    transfer.done(err);
    ctx.metrics.transfer(direction, false);
    throw err;
  }
}
