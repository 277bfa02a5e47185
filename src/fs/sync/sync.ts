/**
 * copy, sync and move of directory trees with rclone's semantics, over any two remotes.
 * The march finds what differs; checks run `checkers` at a time, transfers `transfers` at a time;
 * sync's deletions wait until the end (by default) and never happen after an error.
 */
import PQueue from "p-queue";
import type { Stats } from "../accounting/stats.js";
import { FsError, isFsError } from "../errors.js";
import type { Filter } from "../filter/filter.js";
import { log } from "../log.js";
import { commonHash, copyFile, moveFile } from "../operations/copy.js";
import { withRetries } from "../operations/retry.js";
import { baseName, joinRemote, parentOf } from "../path.js";
import type { Entry, Fs, FsObject } from "../types.js";
import { formatSize } from "../units.js";
import { type CompareOptions, needsTransfer, unchangedByListing } from "./decide.js";
import { march } from "./march.js";

export type SyncMode = "copy" | "sync" | "move";
export type DeleteMode = "before" | "during" | "after";

export interface SyncOptions extends CompareOptions {
  stats: Stats;
  transfers?: number;
  checkers?: number;
  lowLevelRetries?: number;
  deleteMode?: DeleteMode;
  /** Stop deleting after this many files (-1: no limit). */
  maxDelete?: number;
  /** Overwritten and deleted files are moved here instead (same relative path). */
  backupDir?: Fs;
  /** Appended to backed-up names (alone: backups stay beside the original). */
  suffix?: string;
  suffixKeepExtension?: boolean;
  createEmptySrcDirs?: boolean;
  /** move: remove source directories left empty. */
  deleteEmptySrcDirs?: boolean;
  filter?: Filter;
  /** Asked before each change when set (-i/--interactive); false skips it. */
  confirm?: (action: string, remote: string) => Promise<boolean>;
}

/**
 * Runs one pass of `mode` from `src` to `dst`. Errors are counted in `o.stats` (and logged), not
 * thrown, except a failure that stops the whole run (aborted, --max-transfer hard cutoff).
 */
export async function runSync(mode: SyncMode, src: Fs, dst: Fs, o: SyncOptions): Promise<void> {
  await new SyncRun(mode, src, dst, o).run();
}

/**
 * copyto/moveto of one file to `remote` on `dst`: skipped when the destination is already the same
 * (by the comparison options); move then removes the source. Errors are counted in `o.stats`.
 */
export async function runSyncFile(
  mode: "copy" | "move",
  src: FsObject,
  dst: Fs,
  remote: string,
  o: SyncOptions,
): Promise<void> {
  const run = new SyncRun(mode, src.fs, dst, o);
  let existing: FsObject | undefined;
  try {
    existing = await dst.newObject(remote, { signal: o.signal });
  } catch (err) {
    if (!isFsError(err, "ObjectNotFound")) throw err;
  }
  if (existing) {
    o.stats.totalChecks++;
    const transfer = await needsTransfer(src, existing, run.compare);
    o.stats.checks++;
    if (!transfer) {
      log.debug(remote, "Unchanged skipping");
      if (mode === "move") await run.removeSource(src);
      return;
    }
  }
  o.stats.totalTransfers++;
  o.stats.totalBytes += Math.max(0, src.size);
  await run.transfer(src, existing, remote);
}

class SyncRun {
  private readonly checks: PQueue;
  private readonly transfers: PQueue;
  private readonly toDelete: FsObject[] = [];
  private readonly dstOnlyDirs: string[] = [];
  private readonly srcDirs: string[] = [];
  private deleted = 0;
  /** A fatal error (--max-delete) that stops the run. */
  private fatal: FsError | undefined;
  private readonly deleteMode: DeleteMode;
  /** The comparison options, with --checksum turned into --size-only when there is no common hash. */
  readonly compare: CompareOptions;

  constructor(
    private readonly mode: SyncMode,
    private readonly src: Fs,
    private readonly dst: Fs,
    private readonly o: SyncOptions,
  ) {
    this.checks = new PQueue({ concurrency: o.checkers ?? 8 });
    this.transfers = new PQueue({ concurrency: o.transfers ?? 4 });
    this.deleteMode = o.deleteMode ?? "after";
    this.compare = { ...o, sizeOnly: o.sizeOnly || (o.checksum && !commonHash(src, dst)) };
  }

  private get stats(): Stats {
    return this.o.stats;
  }

  async run(): Promise<void> {
    if (this.o.checksum && !commonHash(this.src, this.dst)) {
      log.notice(
        undefined,
        "--checksum is in use but the source and destination have no hashes in common; falling back to --size-only",
      );
    }
    if (!this.o.dryRun) await this.dst.mkdir("", { signal: this.o.signal });
    if (this.mode === "sync" && this.deleteMode === "before") {
      await this.deletePass();
      // rclone cancels the sync on a fatal delete error (--max-delete): nothing is transferred.
      if (this.fatal) return;
    }
    await march(
      this.src,
      this.dst,
      "",
      {
        srcOnly: (e) => this.srcOnly(e),
        dstOnly: (e) => this.dstOnly(e),
        match: (s, d) => this.match(s, d),
        listError: (err, dir, side) =>
          this.stats.error(err, dir, `error reading ${side === "src" ? "source" : "destination"} directory`),
      },
      {
        checkers: this.o.checkers ?? 8,
        filter: this.o.filter,
        signal: this.o.signal,
        dstIncludeAll: this.deleteExcluded,
      },
    );
    await this.checks.onIdle();
    await this.transfers.onIdle();
    if (this.mode === "sync") {
      if (this.deleteMode === "after") await this.deleteFiles(this.toDelete);
      await this.removeDirs(this.dstOnlyDirs, this.dst);
    }
    if (this.o.createEmptySrcDirs && !this.o.dryRun) {
      for (const d of this.srcDirs)
        await this.dst
          .mkdir(d, { signal: this.o.signal })
          .catch((err) => this.stats.error(err, d, "Failed to make directory"));
    }
    if (this.mode === "move" && this.o.deleteEmptySrcDirs) await this.removeDirs(this.srcDirs, this.src);
    if (this.stats.transfers === 0 && this.stats.errors === 0) log.info(undefined, "There was nothing to transfer");
  }

  /** --delete-excluded: sync deletes destination files the filters exclude, so it lists the destination unfiltered. */
  private get deleteExcluded(): boolean {
    return this.mode === "sync" && (this.o.filter?.deleteExcluded ?? false);
  }

  /** --delete-before: a march that only deletes what is not in the source, before any transfer. */
  private async deletePass(): Promise<void> {
    const toDelete: FsObject[] = [];
    await march(
      this.src,
      this.dst,
      "",
      {
        srcOnly: () => false,
        dstOnly: (e) => {
          if (e.kind === "file") toDelete.push(e);
          else this.dstOnlyDirs.push(e.remote);
          return true;
        },
        match: () => true,
        listError: (err, dir) => this.stats.error(err, dir, "error listing"),
      },
      {
        checkers: this.o.checkers ?? 8,
        filter: this.o.filter,
        signal: this.o.signal,
        dstIncludeAll: this.deleteExcluded,
      },
    );
    await this.deleteFiles(toDelete);
  }

  private async srcOnly(e: Entry): Promise<boolean> {
    if (e.kind === "dir") {
      this.srcDirs.push(e.remote);
      return true;
    }
    this.stats.totalTransfers++;
    this.stats.totalBytes += Math.max(0, e.size);
    await this.enqueue(this.transfers, () => this.transfer(e, undefined));
    return false;
  }

  private async dstOnly(e: Entry): Promise<boolean> {
    if (this.mode !== "sync" || this.deleteMode === "before") return false;
    if (e.kind === "dir") {
      this.dstOnlyDirs.push(e.remote);
      return true;
    }
    if (this.deleteMode === "during") await this.enqueue(this.checks, () => this.deleteFiles([e]));
    else this.toDelete.push(e);
    return false;
  }

  private async match(s: Entry, d: Entry): Promise<boolean> {
    if (s.kind === "dir") {
      this.srcDirs.push(s.remote);
      return true;
    }
    if (d.kind !== "file") return false;
    this.stats.totalChecks++;
    if (unchangedByListing(s, d, this.compare)) {
      this.stats.checks++;
      if (this.mode === "move") await this.enqueue(this.checks, () => this.removeSource(s));
      else log.debug(s.remote, "Unchanged skipping");
      return false;
    }
    await this.enqueue(this.checks, async () => {
      let transfer: boolean;
      try {
        transfer = await needsTransfer(s, d, this.compare);
      } catch (err) {
        this.stats.error(err, s.remote, "Failed to check");
        return;
      } finally {
        this.stats.checks++;
      }
      if (transfer) {
        this.stats.totalTransfers++;
        this.stats.totalBytes += Math.max(0, s.size);
        await this.enqueue(this.transfers, () => this.transfer(s, d));
      } else if (this.mode === "move") {
        await this.removeSource(s);
      } else log.debug(s.remote, "Unchanged skipping");
    });
    return false;
  }

  /** Adds a job, waiting while the queue is full so the march never runs far ahead (bounded memory). */
  private async enqueue(queue: PQueue, job: () => Promise<void>): Promise<void> {
    await queue.onSizeLessThan(queue.concurrency * 2);
    queue.add(job).catch((err) => this.stats.error(err, undefined, "internal error"));
  }

  async transfer(s: FsObject, existing: FsObject | undefined, remote = s.remote): Promise<void> {
    if (!this.stats.mayStart(s.size)) return;
    this.o.signal?.throwIfAborted();
    const verb = this.mode === "move" ? "move" : "copy";
    if (this.o.dryRun) {
      // rclone would first move the old file into the backup, then copy; both are only reported.
      if (existing && (this.o.backupDir || this.o.suffix)) dryRunNotice(existing.remote, "move", existing.size);
      dryRunNotice(s.remote, verb, s.size);
      // Counted as if done, as rclone's accounting does in a dry run.
      this.stats.bytes += Math.max(0, s.size);
      this.stats.transfers++;
      return;
    }
    if (this.o.confirm && !(await this.o.confirm(verb, s.remote))) return;
    const t = this.stats.startTransfer(s.remote, s.size);
    let serverSide = false;
    let replacing = existing !== undefined;
    try {
      // Backed up, the old file is gone: rclone then logs the copy as new.
      if (existing && (await this.backup(existing))) replacing = false;
      const options = {
        signal: this.o.signal,
        account: (body: AsyncIterable<Uint8Array>) => t.account(body, this.o.signal),
        onServerSide: () => {
          // The data moved on the server; count it as transferred, as rclone does.
          t.add(Math.max(0, s.size));
          serverSide = true;
          if (this.mode === "move") this.stats.serverSideMoves++;
          else this.stats.serverSideCopies++;
        },
      };
      await withRetries(
        () => (this.mode === "move" ? moveFile(s, this.dst, remote, options) : copyFile(s, this.dst, remote, options)),
        {
          attempts: this.o.lowLevelRetries ?? 10,
          signal: this.o.signal,
          what: s.remote,
        },
      );
      t.done();
      // rclone's words: a server-side move is "Moved (server-side)", any other move a copy and a delete.
      const to = remote === s.remote ? "" : ` to: ${remote}`;
      if (this.mode === "move" && serverSide) log.info(s.remote, `Moved (server-side)${to}`);
      else {
        log.info(s.remote, `${replacing ? "Copied (replaced existing)" : "Copied (new)"}${to}`);
        if (this.mode === "move") log.info(s.remote, "Deleted");
      }
    } catch (err) {
      t.done(err);
      this.stats.error(err, s.remote, `Failed to ${verb}`);
      if (isFsError(err, "MaxTransferReached")) throw err;
    }
  }

  async removeSource(s: FsObject): Promise<void> {
    if (this.o.ignoreExisting) {
      // rclone keeps the source: with --ignore-existing the destination was never compared with it.
      log.debug(s.remote, "Not removing source file as destination file exists and --ignore-existing is set");
      return;
    }
    if (this.o.dryRun) {
      dryRunNotice(s.remote, "delete", s.size);
      return;
    }
    try {
      await s.remove({ signal: this.o.signal });
      log.info(s.remote, "Deleted");
    } catch (err) {
      this.stats.error(err, s.remote, "Failed to delete source");
    }
  }

  /** Deletes destination files, unless the run has had errors (rclone's rule) or --max-delete is hit. */
  private async deleteFiles(files: FsObject[]): Promise<void> {
    if (files.length === 0) return;
    if (this.stats.errors > 0) {
      this.stats.error(
        new FsError("Other", "not deleting files as there were IO errors"),
        undefined,
        `not deleting ${files.length} files`,
      );
      return;
    }
    const queue = new PQueue({ concurrency: this.o.checkers ?? 8 });
    for (const f of files) {
      const max = this.o.maxDelete ?? -1;
      if (max >= 0 && this.deleted >= max) {
        // Fatal as in rclone: no retries (a retry would delete the next N), exit code 7.
        this.fatal = new FsError("Other", "--max-delete threshold reached", { retry: "fatal" });
        this.stats.error(this.fatal, f.remote, "Not deleting");
        break;
      }
      this.deleted++;
      await queue.onSizeLessThan(queue.concurrency * 2);
      void queue.add(() => this.deleteOne(f));
    }
    await queue.onIdle();
  }

  private async deleteOne(f: FsObject): Promise<void> {
    // rclone counts every delete as a check too.
    this.stats.totalChecks++;
    this.stats.checks++;
    const backup = Boolean(this.o.backupDir || this.o.suffix);
    if (this.o.dryRun) {
      dryRunNotice(f.remote, backup ? "move into backup dir" : "delete", f.size);
      this.stats.deletes++;
      return;
    }
    if (this.o.confirm && !(await this.o.confirm("delete", f.remote))) return;
    try {
      if (backup) await this.backup(f);
      else await f.remove({ signal: this.o.signal });
      this.stats.deletes++;
      log.info(f.remote, backup ? "Moved into backup dir" : "Deleted");
    } catch (err) {
      this.stats.error(err, f.remote, "Failed to delete");
    }
  }

  /**
   * Moves a file that is about to be overwritten or deleted to --backup-dir (or renames it with
   * --suffix). Returns false when no backup is configured.
   */
  private async backup(f: FsObject): Promise<boolean> {
    const { backupDir, suffix } = this.o;
    if (!backupDir && !suffix) return false;
    const target = backupDir ?? this.dst;
    const name = suffix ? withSuffix(f.remote, suffix, this.o.suffixKeepExtension) : f.remote;
    let serverSide = false;
    await moveFile(f, target, name, { signal: this.o.signal, onServerSide: () => (serverSide = true) });
    // Logged as rclone's operations.Move logs it.
    const to = name === f.remote ? "" : ` to: ${name}`;
    if (serverSide) log.info(f.remote, `Moved (server-side)${to}`);
    else {
      log.info(f.remote, `Copied (new)${to}`);
      log.info(f.remote, "Deleted");
    }
    return true;
  }

  /** Removes directories deepest first, keeping any that are not empty (e.g. hold excluded files). */
  private async removeDirs(dirs: string[], fs: Fs): Promise<void> {
    if (dirs.length === 0) return;
    if (this.stats.errors > 0 && fs === this.dst) return;
    const byDepth = [...dirs].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? 1 : -1));
    for (const d of byDepth) {
      // As rclone's TryRmdir: counted and logged before trying, so a directory kept because it is
      // not empty counts too.
      this.stats.deletedDirs++;
      if (this.o.dryRun) {
        log.notice(d, "Skipped remove directory as --dry-run is set");
        continue;
      }
      log.info(d, "Removing directory");
      try {
        await fs.rmdir(d, { signal: this.o.signal });
      } catch (err) {
        if (!isFsError(err, "DirNotEmpty", "DirNotFound")) this.stats.error(err, d, "Failed to rmdir");
      }
    }
  }
}

/** rclone's SkipDestructive notice: `Skipped copy as --dry-run is set (size 1.500Ki)`, no size when unknown. */
function dryRunNotice(remote: string, action: string, size: number): void {
  log.notice(remote, `Skipped ${action} as --dry-run is set${size >= 0 ? ` (size ${formatSize(size)})` : ""}`);
}

/** `dir/name.txt` + `.bak` → `dir/name.txt.bak`, or `dir/name.bak.txt` keeping the extension. */
export function withSuffix(remote: string, suffix: string, keepExtension?: boolean): string {
  if (!keepExtension) return remote + suffix;
  const name = baseName(remote);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return remote + suffix;
  return joinRemote(parentOf(remote), `${name.slice(0, dot)}${suffix}${name.slice(dot)}`);
}
