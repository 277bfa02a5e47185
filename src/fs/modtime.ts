/**
 * Modtimes that cost a request: a listing gives every object's `modTime`, but on some remotes
 * (S3) that is the upload time and the file's own modtime needs one more request per object
 * (`FsObject.loadModTime`). Listings stay one request per page, and only what needs a modtime pays.
 */
import type { CallOptions, Entry, FsObject } from "./types.js";

export interface ModTimeOptions extends CallOptions {
  /**
   * Take the time the listing gave, without another request (rclone's --use-server-modtime): on S3
   * the time the object was uploaded, not the file's modtime.
   */
  useServerModTime?: boolean;
}

/** The object's modtime, loading it when its listing did not have it. */
export async function modTimeOf(obj: FsObject, options: ModTimeOptions = {}): Promise<Date> {
  if (options.useServerModTime || !obj.loadModTime) return obj.modTime;
  return obj.loadModTime(options);
}

/**
 * Passes `entries` on in order, with every object's modtime loaded first; up to `concurrency`
 * loads run at once, ahead of the consumer.
 */
export async function* withModTimes<E extends Entry>(
  entries: AsyncIterable<E>,
  options: ModTimeOptions & { concurrency?: number } = {},
): AsyncGenerator<E> {
  const window: { entry: E; loaded: Promise<unknown> }[] = [];
  const limit = Math.max(1, options.concurrency ?? 8);
  for await (const entry of entries) {
    const loaded = entry.kind === "file" ? modTimeOf(entry, options) : Promise.resolve();
    // Rejections surface when the entry's turn comes, not as unhandled ones before it.
    loaded.catch(() => undefined);
    window.push({ entry, loaded });
    if (window.length >= limit) {
      const head = window.shift() as (typeof window)[number];
      await head.loaded;
      yield head.entry;
    }
  }
  for (const { entry, loaded } of window) {
    await loaded;
    yield entry;
  }
}

/** Modtimes loaded at once by `loadModTimes`. */
const LOADS_AT_ONCE = 16;

/** Loads the modtimes of every object in `entries` that listings did not give, a batch at a time. */
export async function loadModTimes(entries: readonly Entry[], options: ModTimeOptions = {}): Promise<void> {
  const lazy = entries.filter((e): e is FsObject => e.kind === "file" && e.loadModTime !== undefined);
  for (let at = 0; at < lazy.length; at += LOADS_AT_ONCE) {
    await Promise.all(lazy.slice(at, at + LOADS_AT_ONCE).map((f) => modTimeOf(f, options)));
  }
}

/**
 * A `loadModTime` for an object whose modtime is `source`'s (an overlay's file over the inner
 * object it reports): undefined when `source` needs none, else one that loads it and hands it to
 * `take` as well.
 */
export function loadVia(source: FsObject | undefined, take: (modTime: Date) => void): FsObject["loadModTime"] {
  const load = source?.loadModTime?.bind(source);
  if (!load) return undefined;
  return async (options) => {
    const modTime = await load(options);
    take(modTime);
    return modTime;
  };
}
