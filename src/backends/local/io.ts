/**
 * File I/O for the local backend. Small reads and writes are synchronous: for a file of a few KiB a
 * thread-pool round trip per open, read and close costs several times the work itself (measured:
 * 10,000 small reads take ~80 ms synchronously, ~500 ms through the pool). Large ones stay
 * asynchronous, so reading ahead and hashing overlap them.
 */
import { closeSync, openSync, read, readSync, write, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { promisify } from "node:util";
import { type HashType, newHasher } from "../../fs/hashes.js";
import type { Body } from "../../fs/types.js";
import { pageCacheRelease } from "./page-cache.js";

/** Reads and writes up to this size are done synchronously. */
export const SYNC_IO_MAX = 256 << 10;
/** Chunk size of large reads. */
export const READ_CHUNK = 1 << 20;

const writeAsync = promisify(write);
const readAsync = promisify(read);

/**
 * Largest single write(2). Linux 6.x gives a buffered write page-cache folios as large as the call
 * allows, and large free blocks can be far slower to get than small ones: on the bench machine, a VM
 * that hands free memory back to its host, copying 1 GiB out of chunker(local) cost 0.9 s of system
 * time in 1 MiB calls and 0.4 s in 512 KiB ones. Smaller pieces cost more event-loop turns per byte.
 */
const WRITE_PIECE = 512 << 10;

/** Writes all of `data` at the file's current position. */
export async function writeAll(fd: number, data: Uint8Array): Promise<void> {
  const sync = data.length <= SYNC_IO_MAX;
  for (let at = 0; at < data.length; ) {
    const n = Math.min(WRITE_PIECE, data.length - at);
    at += sync ? writeSync(fd, data, at, n) : (await writeAsync(fd, data, at, n, null)).bytesWritten;
  }
}

/** Reads bytes `[start, end)` of a file (fewer if it is shorter now); throws the OS error as is. */
export async function readRange(path: string | Buffer, start: number, end: number): Promise<Body> {
  if (end - start <= SYNC_IO_MAX) {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.allocUnsafe(end - start);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0) break;
        got += n;
      }
      return (async function* () {
        if (got > 0) yield buf.subarray(0, got);
      })();
    } finally {
      closeSync(fd);
    }
  }
  const fh = await open(path, "r");
  const cache = pageCacheRelease(path);
  let entered = false;
  const release = async () => {
    cache?.close();
    await fh.close();
  };
  const body = (async function* () {
    entered = true;
    try {
      for (let at = start; at < end; ) {
        const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, end - at));
        const { bytesRead } = await fh.read(buf, 0, buf.length, at);
        if (bytesRead === 0) return;
        cache?.release(at, bytesRead);
        at += bytesRead;
        yield buf.subarray(0, bytesRead);
      }
    } finally {
      await release();
    }
  })();
  // A body closed before its first read never enters the generator, so its `finally` cannot close
  // the file (a reader that gives a shard up before reading it, say).
  const close = body.return.bind(body);
  body.return = async (value) => {
    if (!entered) {
      entered = true;
      await release();
    }
    return close(value);
  };
  return body;
}

/** The hash of a whole file, through one reused buffer (hashing keeps nothing). */
export async function hashFile(path: string | Buffer, type: HashType, size: number): Promise<string> {
  const hasher = newHasher(type);
  const buf = Buffer.allocUnsafe(Math.max(1, Math.min(READ_CHUNK, size + 1)));
  const fd = openSync(path, "r");
  const cache = size < SYNC_IO_MAX ? undefined : pageCacheRelease(path);
  try {
    for (let at = 0; ; ) {
      const n =
        size < SYNC_IO_MAX
          ? readSync(fd, buf, 0, buf.length, null)
          : (await readAsync(fd, buf, 0, buf.length, null)).bytesRead;
      if (n === 0) break;
      hasher.update(buf.subarray(0, n));
      cache?.release(at, n);
      at += n;
    }
  } finally {
    cache?.close();
    closeSync(fd);
  }
  return hasher.digest();
}
