/**
 * Uploading written files after `writeBack` ms (rclone's `--vfs-write-back`), through the same
 * verified copy as `copy` (`copyFile`: server-side where the remote takes a local file, else
 * streamed with its hash checked), a few at a time, retrying with doubling back-off on failure.
 */
import { utimes } from "node:fs/promises";
import { log } from "../fs/log.js";
import { copyFile } from "../fs/operations/copy.js";
import type { Fs, FsObject } from "../fs/types.js";
import type { CacheItem } from "./cache-item.js";

/** What an upload sent: the item may have been renamed, rewritten or removed since. */
export interface Sent {
  path: string;
  generation: number;
  id: string;
}

export interface WriteBackOptions {
  writeBack: number;
  uploadRetryDelay: number;
  transfers: number;
}

/** Failed uploads are tried this many times in all; the file stays journalled after that. */
const MAX_ATTEMPTS = 10;
const MAX_BACKOFF = 5 * 60_000;

interface State {
  timer?: NodeJS.Timeout;
  /** The timer is the write-back delay (which `sync` cuts short), not a retry back-off. */
  delayed: boolean;
  running?: { ctrl: AbortController; done: Promise<void> };
  attempts: number;
}

export class WriteBack {
  private readonly states = new Map<CacheItem, State>();
  /**
   * Cancelled uploads not yet ended (a remote that does not stop at once): the item's next upload
   * waits for them, so an older version can never land after a newer one.
   */
  private readonly settling = new Map<CacheItem, Promise<void>>();
  private idle: (() => void)[] = [];
  private free: number;
  /** Set by `stop`: no more retries, what fails stays journalled for the next start. */
  private stopping = false;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly fs: Fs,
    /** The local remote over the cache's files directory: upload sources are its objects. */
    private readonly cacheFs: Fs,
    private readonly options: WriteBackOptions,
    /** Called after each upload with the object made; decides what it means for the item. */
    private readonly uploaded: (item: CacheItem, obj: FsObject, sent: Sent) => Promise<void>,
  ) {
    this.free = options.transfers;
  }

  /** Uploads `item` after `delay` ms (default `writeBack`), replacing any upload already waiting. */
  schedule(item: CacheItem, delay = this.options.writeBack): void {
    const state = this.states.get(item) ?? { delayed: true, attempts: 0 };
    this.states.set(item, state);
    if (state.timer) clearTimeout(state.timer);
    state.delayed = true;
    state.timer = setTimeout(() => this.start(item, state), delay);
    state.timer.unref();
  }

  /** Whether an upload of `item` is waiting or running. */
  has(item: CacheItem): boolean {
    return this.states.has(item);
  }

  /** Stops any upload of `item`, waiting or running (a running one is aborted; its end is not awaited). */
  cancel(item: CacheItem): void {
    const state = this.states.get(item);
    if (!state) return;
    this.states.delete(item);
    if (state.timer) clearTimeout(state.timer);
    if (state.running) {
      state.running.ctrl.abort();
      const ended = Promise.all([this.settling.get(item), state.running.done]).then(() => {
        if (this.settling.get(item) === ended) this.settling.delete(item);
      });
      this.settling.set(item, ended);
    }
    this.checkIdle();
  }

  /** Starts every upload waiting out its write-back delay now, then waits until none is waiting or running. */
  async sync(): Promise<void> {
    for (const [item, state] of this.states) {
      if (state.timer && (state.delayed || this.stopping)) {
        clearTimeout(state.timer);
        this.start(item, state);
      }
    }
    if (this.states.size === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  /**
   * Uploads everything waiting now, retries included, once each: what fails is left to the next
   * start (it stays journalled). Resolves when no upload runs.
   */
  stop(): Promise<void> {
    this.stopping = true;
    return this.sync();
  }

  private start(item: CacheItem, state: State): void {
    state.timer = undefined;
    const ctrl = new AbortController();
    const done = this.run(item, state, ctrl.signal);
    state.running = { ctrl, done };
  }

  private async run(item: CacheItem, state: State, signal: AbortSignal): Promise<void> {
    await this.settling.get(item);
    await this.slot();
    try {
      if (signal.aborted) return;
      await this.upload(item, signal);
      if (this.states.get(item) === state) this.states.delete(item);
    } catch (err) {
      if (signal.aborted || this.states.get(item) !== state) return;
      state.attempts++;
      if (state.attempts >= MAX_ATTEMPTS || this.stopping) {
        log.error(item.path, `vfs: upload failed ${state.attempts} times, kept for the next start: ${err}`);
        this.states.delete(item);
        return;
      }
      const delay = Math.min(this.options.uploadRetryDelay * 2 ** (state.attempts - 1), MAX_BACKOFF);
      log.info(item.path, `vfs: upload failed, retrying in ${delay} ms: ${err}`);
      state.delayed = false;
      state.timer = setTimeout(() => this.start(item, state), delay);
      state.timer.unref();
    } finally {
      state.running = undefined;
      this.release();
      this.checkIdle();
    }
  }

  private async upload(item: CacheItem, signal: AbortSignal): Promise<void> {
    const sent: Sent = { path: item.path, generation: item.generation, id: item.id };
    await item.ensure(0, item.size);
    // The copy takes the modtime from the cache file, as from any local source.
    await utimes(item.file, item.mtime, item.mtime);
    const src = await this.cacheFs.newObject(sent.id, { signal });
    const obj = await copyFile(src, this.fs, sent.path, { signal });
    await this.uploaded(item, obj, sent);
  }

  private async slot(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }

  private checkIdle(): void {
    if (this.states.size > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }
}
