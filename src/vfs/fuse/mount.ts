/** A `Vfs` mounted through the kernel: the device, the mount and the session serving it, tied together. */
import { log } from "../../fs/log.js";
import type { Vfs } from "../types.js";
import { FuseDevice } from "./device.js";
import { type AttachOptions, attach, checkMountpoint, detach, isMounted } from "./mount-point.js";
import { FuseSession, REQUEST_BUFFER_SIZE, type SessionCounters } from "./session.js";

export interface FuseMountOptions extends AttachOptions {
  allowNonEmpty: boolean;
  /** How long the kernel may trust names and attributes, in ms (rclone's `--attr-timeout`). */
  attrTimeout: number;
}

export interface FuseMount {
  /** The absolute mountpoint. */
  readonly dir: string;
  readonly counters: SessionCounters;
  /** Settles when the kernel has ended the session (an unmount from here or from outside). */
  readonly ended: Promise<void>;
  /**
   * Unmounts (lazily when files are still open on it), waits for the session to end, and releases
   * the handles left open. The Vfs itself stays open: closing it (uploading what is pending) is the
   * caller's. Returns the unmount error text when the kernel refused even the lazy unmount.
   */
  unmount(): Promise<string | undefined>;
}

/**
 * Mounts `vfs` at `dir`. Throws `Usage`/`DirNotFound` for an unusable mountpoint (see
 * `checkMountpoint`) and `Other` when the kernel refuses the mount.
 */
export function mountVfs(vfs: Vfs, dir: string, options: FuseMountOptions): FuseMount {
  const abs = checkMountpoint(dir, options.allowNonEmpty);
  const device = new FuseDevice();
  try {
    attach(device.fd, abs, options);
  } catch (err) {
    device.close();
    throw err;
  }
  const session = new FuseSession(vfs, device, { attrTimeout: options.attrTimeout });
  const ended = new Promise<void>((resolve) => {
    device.start(REQUEST_BUFFER_SIZE, {
      request: (buf) => session.handle(buf),
      end: (error) => {
        if (error !== null) log.error(abs, `FUSE device read failed: ${error}`);
        device.close();
        resolve();
      },
    });
  });
  return {
    dir: abs,
    counters: session.counters,
    ended: ended.then(() => session.releaseAll()),
    async unmount() {
      let error: string | undefined;
      if (isMounted(abs)) {
        error = detach(abs, false);
        if (error !== undefined) {
          log.error(abs, `unmount: ${error}; detaching lazily`);
          error = detach(abs, true);
        }
      }
      if (error === undefined) await ended;
      await session.releaseAll();
      return error;
    },
  };
}
