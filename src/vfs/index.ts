/** The VFS: a POSIX-like view of any `Fs` (for `mount`), with rclone's cache modes. */
export { errnoOf, readOnlyError, vfsError } from "./errno.js";
export { openVfs } from "./open-vfs.js";
export { defaultVfsOptions, type ResolvedVfsOptions, resolveVfsOptions } from "./options.js";
export type * from "./types.js";
