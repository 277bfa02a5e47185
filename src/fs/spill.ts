/**
 * Writing data whose length is only known at its end (compressed output, `rcat`'s stdin) to a remote
 * whose `put` needs the size, as rclone's compress and rcat do: up to a limit (compress's
 * `ram_cache_limit`, rcat's streaming upload cutoff) is held in memory and put with its size; beyond
 * that the remote's `putStream` takes the stream, or, without one, the rest goes to a temporary local
 * file that is then put with its size.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Body, Fs, FsObject, PutOptions } from "./types.js";

async function* chain(head: Uint8Array[], rest: AsyncIterator<Uint8Array>): Body {
  yield* head;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** The name to put under, or a function giving it once the body has ended (it may depend on what the body held). */
export type SpillName = string | (() => Promise<string>);

/** Puts `body` as `remote` with `modTime`. Holds at most `ramLimit` bytes in memory. */
export async function putSpilled(
  base: Fs,
  body: Body,
  remote: SpillName,
  modTime: Date,
  ramLimit: number,
  options?: PutOptions,
): Promise<FsObject> {
  const it = body[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let held = 0;
  try {
    for (;;) {
      const r = await it.next();
      if (r.done) {
        const name = typeof remote === "string" ? remote : await remote();
        return await base.put(chain(head, it), { remote: name, size: held, modTime }, options);
      }
      head.push(r.value);
      held += r.value.length;
      if (held > ramLimit) break;
    }
    const putStream = base.features.putStream;
    if (putStream && typeof remote === "string") {
      return await putStream(chain(head, it), { remote, size: -1, modTime }, options);
    }
    return await viaTempFile(base, chain(head, it), remote, modTime, options);
  } finally {
    await it.return?.();
  }
}

async function viaTempFile(
  base: Fs,
  body: Body,
  remote: SpillName,
  modTime: Date,
  options?: PutOptions,
): Promise<FsObject> {
  const dir = await mkdtemp(join(tmpdir(), "strata-spill-"));
  try {
    const path = join(dir, "spill");
    const file = await open(path, "w");
    let size = 0;
    try {
      for await (const part of body) {
        options?.signal?.throwIfAborted();
        // A write may take less than the whole buffer.
        for (let at = 0; at < part.length; ) at += (await file.write(part, at)).bytesWritten;
        size += part.length;
      }
    } finally {
      await file.close();
    }
    const name = typeof remote === "string" ? remote : await remote();
    return await base.put(createReadStream(path, { highWaterMark: 1 << 20 }), { remote: name, size, modTime }, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
