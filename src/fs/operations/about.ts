/** Quota information, as rclone's `about`. */
import { FsError, isFsError } from "../errors.js";
import type { CallOptions, Fs, Usage } from "../types.js";

/**
 * Total, used and free space (and object count) as far as the remote can tell; fields it cannot tell
 * are missing. Needs `features.about`; throws `NotImplemented` ("… doesn't support about") without it.
 */
export async function about(fs: Fs, options: CallOptions = {}): Promise<Usage> {
  const doAbout = fs.features.about;
  if (!doAbout) throw new FsError("NotImplemented", `${fs} doesn't support about`);
  try {
    return await doAbout(options);
  } catch (err) {
    if (isFsError(err))
      throw new FsError(err.code, `about call failed: ${err.message}`, { retry: err.retry, cause: err });
    throw err;
  }
}

/** The fields `about` prints, in rclone's order, with whether each is a size (else a count). */
export const USAGE_FIELDS = [
  { key: "total", label: "Total", size: true },
  { key: "used", label: "Used", size: true },
  { key: "free", label: "Free", size: true },
  { key: "objects", label: "Objects", size: false },
] as const satisfies readonly { key: keyof Usage; label: string; size: boolean }[];
