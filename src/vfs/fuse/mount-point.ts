/**
 * Attaching a FUSE connection to a directory and taking it off again, with mount(8) and
 * fusermount3(1) (umount(8) where fuse3 is not installed). Mounting passes the open /dev/fuse as
 * fd 3 to mount(8), which makes the mount(2) call itself: that needs root (CAP_SYS_ADMIN).
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { FsError } from "../../fs/errors.js";

export interface AttachOptions {
  /** What `mount` and /proc/mounts show as the source (the remote string). */
  source: string;
  allowOther: boolean;
  readOnly: boolean;
  /** Let the kernel check permissions against the reported modes (rclone's --default-permissions). */
  defaultPermissions: boolean;
}

/** `/proc/mounts` escapes space, tab, newline and backslash in octal. */
function unescapeMounts(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/** True when something is mounted on `dir` (an absolute path) now. */
export function isMounted(dir: string): boolean {
  const mounts = readFileSync("/proc/mounts", "utf8").split("\n");
  return mounts.some((line) => unescapeMounts(line.split(" ")[1] ?? "") === dir);
}

/**
 * Checks `dir` can take a mount: an existing directory, not mounted on, empty unless `allowNonEmpty`
 * (rclone's --allow-non-empty). A FUSE mount whose server died answers ENOTCONN: that is reported
 * with the command that clears it. Throws `Usage` or `DirNotFound`.
 */
export function checkMountpoint(dir: string, allowNonEmpty: boolean): string {
  const abs = resolve(dir);
  try {
    if (!statSync(abs).isDirectory()) throw new FsError("Usage", `mountpoint ${abs} is not a directory`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOTCONN") {
      throw new FsError(
        "Usage",
        `mountpoint ${abs} holds a stale FUSE mount (its server is gone): clear it with "fusermount3 -uz ${abs}"`,
      );
    }
    if (code === "ENOENT") throw new FsError("DirNotFound", `mountpoint ${abs} does not exist`);
    throw err;
  }
  if (isMounted(abs)) throw new FsError("Usage", `mountpoint ${abs} is already mounted on`);
  if (!allowNonEmpty && readdirSync(abs).length > 0) {
    throw new FsError(
      "Usage",
      `Directory is not empty: ${abs} If you want to mount it anyway use: --allow-non-empty option`,
    );
  }
  return abs;
}

/** Mounts the FUSE connection open on `fd` at `dir`. Throws `Other` with mount(8)'s message. */
export function attach(fd: number, dir: string, options: AttachOptions): void {
  const opts = [
    "fd=3",
    "rootmode=40000",
    `user_id=${process.getuid?.() ?? 0}`,
    `group_id=${process.getgid?.() ?? 0}`,
    ...(options.allowOther ? ["allow_other"] : []),
    ...(options.defaultPermissions ? ["default_permissions"] : []),
    ...(options.readOnly ? ["ro"] : []),
  ];
  // -i: no /sbin/mount.fuse* helper, which would take the source for a program to run.
  const r = spawnSync("mount", ["-i", "-t", "fuse.strata", "-o", opts.join(","), options.source, dir], {
    stdio: ["ignore", "pipe", "pipe", fd],
    encoding: "utf8",
  });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim();
    throw new FsError("Other", `mount ${dir}: ${why}`);
  }
}

/**
 * Unmounts `dir`; `lazy` detaches it even while files are open on it (they fail from then on).
 * Returns the error text, or undefined on success.
 */
export function detach(dir: string, lazy: boolean): string | undefined {
  const fuser = spawnSync("fusermount3", ["-u", ...(lazy ? ["-z"] : []), dir], { encoding: "utf8" });
  if (fuser.status === 0) return undefined;
  const plain = spawnSync("umount", [...(lazy ? ["-l"] : []), dir], { encoding: "utf8" });
  if (plain.status === 0) return undefined;
  return (fuser.error ? plain.stderr : fuser.stderr).trim() || `cannot unmount ${dir}`;
}
