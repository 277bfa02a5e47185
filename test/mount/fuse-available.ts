/** Whether kernel mount tests can run here: /dev/fuse present, and root to call mount(2). */
import { existsSync } from "node:fs";

const root = process.getuid?.() === 0;

/** Why kernel mount tests are skipped here, or undefined when they can run. */
export const fuseMissing: string | undefined = !existsSync("/dev/fuse")
  ? "/dev/fuse is absent: kernel FUSE mount tests skipped"
  : !root
    ? "not root: strata mounts with mount(2), which needs CAP_SYS_ADMIN; kernel FUSE mount tests skipped"
    : undefined;

if (fuseMissing) console.warn(fuseMissing);
