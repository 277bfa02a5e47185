/**
 * Moving file data over one SFTP handle with several requests in flight: SFTP answers each request
 * after a round trip, so one request at a time would be latency-bound (rclone's `concurrency`).
 */
import type { Body } from "../../fs/types.js";
import type { Connection } from "./connection.js";

export interface PipelineOptions {
  /** Bytes per request. */
  chunkSize: number;
  /** Requests in flight at most. */
  concurrency: number;
  signal?: AbortSignal;
}

/** Writes `body` to `handle` from offset 0 and returns the number of bytes written. */
export async function writeBody(conn: Connection, handle: Buffer, body: Body, o: PipelineOptions): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  let failure: { err: unknown } | undefined;
  let position = 0;
  const send = async (piece: Uint8Array, at: number) => {
    while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
    if (failure) throw failure.err;
    const p = conn.write(handle, piece, at).then(
      () => {
        inFlight.delete(p);
      },
      (err) => {
        inFlight.delete(p);
        failure ??= { err };
      },
    );
    inFlight.add(p);
  };
  try {
    for await (const part of body) {
      o.signal?.throwIfAborted();
      for (let off = 0; off < part.length; off += o.chunkSize) {
        const piece = part.subarray(off, off + o.chunkSize);
        await send(piece, position);
        position += piece.length;
      }
    }
    o.signal?.throwIfAborted();
  } finally {
    await Promise.all(inFlight);
  }
  if (failure) throw failure.err;
  return position;
}

/**
 * Reads bytes `[start, end)` of `handle` in order; stops early if the file is shorter now. `done` runs
 * once the body is finished or abandoned (to close the handle and give the connection back).
 */
export async function* readRange(
  conn: Connection,
  handle: Buffer,
  start: number,
  end: number,
  o: PipelineOptions,
  done: () => Promise<void>,
): Body {
  const queue: { at: number; length: number; data: Promise<Buffer> }[] = [];
  let next = start;
  const fill = () => {
    while (queue.length < o.concurrency && next < end) {
      const length = Math.min(o.chunkSize, end - next);
      const data = conn.read(handle, length, next);
      // Awaited in order below; a later request failing first must not count as unhandled.
      data.catch(() => undefined);
      queue.push({ at: next, length, data });
      next += length;
    }
  };
  try {
    for (;;) {
      o.signal?.throwIfAborted();
      fill();
      const request = queue.shift();
      if (!request) return;
      let data = await request.data;
      if (data.length === 0) return;
      // A short read before the end: fetch the rest of this request's span before going on.
      while (data.length < request.length) {
        const more = await conn.read(handle, request.length - data.length, request.at + data.length);
        if (more.length === 0) {
          yield data;
          return;
        }
        data = Buffer.concat([data, more]);
      }
      yield data;
    }
  } finally {
    await Promise.allSettled(queue.map((r) => r.data));
    await done();
  }
}
