/**
 * The /dev/fuse channel: a worker thread blocks in read(2) on the device and hands each request to
 * the main thread, which answers with one writev(2) per reply. Reading from a thread of its own keeps
 * libuv's pool free for the backends' file I/O (a pool thread parked in a device read would be one
 * fewer for them) and lets the kernel queue requests while earlier ones are being served.
 */
import { closeSync, openSync, writevSync } from "node:fs";
import { Worker } from "node:worker_threads";

// Plain JavaScript evaluated in the worker, so the reader needs no file of its own next to the bundle.
// ENOENT: the request was interrupted before we read it; EINTR/EAGAIN: retry; ENODEV: unmounted.
const READER = `
const { readSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
for (;;) {
  const buf = Buffer.allocUnsafe(workerData.size);
  let n;
  try {
    n = readSync(workerData.fd, buf, 0, buf.length, null);
  } catch (err) {
    if (err.code === "ENOENT" || err.code === "EINTR" || err.code === "EAGAIN") continue;
    parentPort.postMessage({ end: err.code === "ENODEV" ? null : String(err.message) });
    break;
  }
  const request = buf.buffer.slice(buf.byteOffset, buf.byteOffset + n);
  parentPort.postMessage(request, [request]);
}
`;

/** What the channel reports: each request read, and its end (unmounted, or a read error). */
export interface DeviceEvents {
  request(buf: Buffer): void;
  end(error: string | null): void;
}

/** An open /dev/fuse: `fd` is what the mount is given; `start` begins reading requests. */
export class FuseDevice {
  readonly fd: number;
  private worker: Worker | undefined;
  private closed = false;

  constructor(path = "/dev/fuse") {
    this.fd = openSync(path, "r+");
  }

  /** Reads requests of at most `bufferSize` bytes until the mount goes away. */
  start(bufferSize: number, events: DeviceEvents): void {
    const worker = new Worker(READER, { eval: true, workerData: { fd: this.fd, size: bufferSize } });
    this.worker = worker;
    worker.on("message", (msg: ArrayBuffer | { end: string | null }) => {
      if (msg instanceof ArrayBuffer) events.request(Buffer.from(msg));
      else events.end(msg.end);
    });
    // The reader keeps the process alive while mounted: it ends when the kernel ends the session.
    worker.on("error", (err) => events.end(err.message));
  }

  /**
   * Sends one reply. False when the kernel no longer waits for it (the request was interrupted, or
   * the mount is gone), which is not an error for the file system.
   */
  reply(parts: Buffer[]): boolean {
    if (this.closed) return false;
    try {
      writevSync(this.fd, parts);
      return true;
    } catch {
      return false;
    }
  }

  /** Closes the device; the kernel then aborts the connection if it still stands. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.worker?.terminate();
    closeSync(this.fd);
  }
}
