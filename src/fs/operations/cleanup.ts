/** rclone's `cleanup`: removes what interrupted operations left behind (temporary chunks, partials, trash). */
import { FsError } from "../errors.js";
import { underLayers } from "../layers/layer.js";
import { log } from "../log.js";
import type { CallOptions, Fs } from "../types.js";

export interface CleanUpOptions extends CallOptions {
  /** Only say what would be removed. */
  dryRun?: boolean;
}

/**
 * An Fs whose `features.cleanUp` accepts `{ dryRun: true }` and then only logs what it would remove
 * (the chunker). Any other `cleanUp` may delete whatever it is given, so a dry run does not call it.
 */
interface DryRunCleanUp {
  readonly cleanUpDryRun?: boolean;
}

/** Whether the Fs under any transparent layers (which pass options through) can preview its clean-up. */
function previewsCleanUp(fs: Fs): boolean {
  return (underLayers(fs) as DryRunCleanUp).cleanUpDryRun === true;
}

/**
 * Runs `fs.features.cleanUp`. Throws `NotImplemented` ("… doesn't support cleanup") when the Fs has
 * none. With `dryRun`, an Fs that cannot preview its clean-up is skipped with a NOTICE, as rclone
 * skips the whole call under `--dry-run`.
 */
export async function cleanUp(fs: Fs, options: CleanUpOptions = {}): Promise<void> {
  const doCleanUp = fs.features.cleanUp;
  if (!doCleanUp) throw new FsError("NotImplemented", `${fs} doesn't support cleanup`);
  if (options.dryRun && !previewsCleanUp(fs)) {
    log.notice(fs.toString(), "Skipped clean up as --dry-run is set");
    return;
  }
  const call: CleanUpOptions = { signal: options.signal, dryRun: options.dryRun };
  await doCleanUp(call);
}
