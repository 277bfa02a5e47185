/** For tests that kill a server mid-upload: a body produced slowly enough to be interrupted. */
import { randomBytes } from "node:crypto";
import type { Body } from "../src/fs/types.js";

/**
 * `total` random bytes in 256 KiB pieces, one every 20 ms (about 12 MiB/s); `reached` resolves once
 * `at` bytes have been taken, which is when a test stops the server.
 */
export function slowBody(total: number, at: number): { body: Body; reached: Promise<void> } {
  let resolve: () => void = () => {};
  const reached = new Promise<void>((r) => {
    resolve = r;
  });
  async function* produce(): Body {
    const piece = randomBytes(256 * 1024);
    for (let sent = 0; sent < total; sent += piece.length) {
      if (sent >= at) resolve();
      await new Promise((r) => setTimeout(r, 20));
      yield Buffer.from(piece);
    }
  }
  return { body: produce(), reached };
}
