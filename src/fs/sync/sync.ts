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
import { commonHash } from "../operations/copy.js";
import { skippedNotice } from "../operations/delete.js";
import { baseName, joinRemote, parentOf } from "../path.js";
import type { Entry, Fs, FsObject } from "../types.js";
import { findEqualIn } from "./alt-dest.js";
import { addWithBacklog, DEFAULT_MAX_BACKLOG } from "./backlog.js";
import { type CompareOptions, equal, modifyWindowOf, needsTransfer, unchangedByListing } from "./decide.js";
import { march } from "./march.js";
import { RenameMap, type RenameStrategy, renamesUnavailable } from "./renames.js";
import { transferOne } from "./transfer.js";

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
  /** sync: rename destination files that match new source files (--track-renames) by these keys. */
  trackRenames?: readonly RenameStrategy[];
  /** A source file equal to its namesake in one of these is not sent (--compare-dest). */
  compareDest?: readonly Fs[];
  /** A source file equal to its namesake in one of these is copied from there server-side (--copy-dest). */
  copyDest?: readonly Fs[];
  /** Never replace a destination file; one that differs is an error (--immutable). */
  immutable?: boolean;
  /** copy/move: look up each source file in the destination instead of listing it (--no-traverse). */
  noTraverse?: boolean;
  /** Files found but not yet checked or transferred, at most (--max-backlog; default 10,000). */
  maxBacklog?: number;
  /** A directory with more entries is sorted on disk (--list-cutoff; default 1,000,000). */
  listCutoff?: number;
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
    log.debug(remote, "Need to transfer - File not found at Destination");
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
    if (o.immutable) {
      run.immutableModified(existing);
      return;
    }
  }
  run.queued(src);
  await run.transfer(src, existing, remote);
}

class SyncRun {
  private readonly checks: PQueue;
  private readonly transfers: PQueue;
  private readonly toDelete: FsObject[] = [];
  private readonly dstOnlyDirs: string[] = [];
  private readonly srcDirs: string[] = [];
  /** --track-renames: source-only files, tried as renames once the march has seen every destination file. */
  private readonly renameCandidates: FsObject[] = [];
  /** --track-renames: destination files renamed away, so no longer to delete. */
  private readonly renamedAway = new Set<FsObject>();
  private deleted = 0;
  /** A fatal error (--max-delete) that stops the run. */
  private fatal: FsError | undefined;
  private readonly deleteMode: DeleteMode;
  /** --track-renames with what it needs, else undefined (rclone logs why and goes on without). */
  private readonly trackRenames: readonly RenameStrategy[] | undefined;
  private readonly noTraverse: boolean;
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
    this.compare = { ...o, sizeOnly: o.sizeOnly || (o.checksum && !commonHash(src, dst)) };
    this.trackRenames = this.renameStrategy();
    // Renames are matched against every destination-only file, so deletions wait until the end.
    this.deleteMode = this.trackRenames ? "after" : (o.deleteMode ?? "after");
    this.noTraverse = this.noTraverseAllowed();
  }

  private renameStrategy(): readonly RenameStrategy[] | undefined {
    const strategy = this.o.trackRenames;
    if (!strategy) return undefined;
    const why =
      this.mode !== "sync"
        ? "Ignoring --track-renames as it doesn't work with copy or move, only sync"
        : renamesUnavailable(
            this.dst,
            strategy,
            commonHash(this.src, this.dst),
            modifyWindowOf(this.src, this.dst, this.o.modifyWindow),
          );
    if (why) {
      log.error(String(this.dst), why);
      return undefined;
    }
    return strategy;
  }

  private noTraverseAllowed(): boolean {
    if (!this.o.noTraverse) return false;
    // rclone's reasons: sync must list the destination to find what to delete, and so must renames.
    if (this.mode === "sync") log.error(undefined, "Ignoring --no-traverse with sync");
    else if (this.trackRenames) log.error(undefined, "Ignoring --no-traverse with --track-renames");
    else return true;
    return false;
  }

  private get stats(): Stats {
    return this.o.stats;
  }

  async run(): Promise<void> {
    if (this.o.copyDest && !this.dst.features.copy) {
      throw new FsError("Other", "can't use --copy-dest on a remote which doesn't support server side copy", {
        retry: "fatal",
      });
    }
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
        // As rclone, a root that cannot be listed is named by its remote ("Local file system at /x").
        listError: (err, dir, side) =>
          this.stats.error(
            err,
            dir || String(side === "src" ? this.src : this.dst),
            `error reading ${side === "src" ? "source" : "destination"} ${dir === "" ? "root " : ""}directory`,
          ),
      },
      {
        checkers: this.o.checkers ?? 8,
        filter: this.o.filter,
        signal: this.o.signal,
        useServerModTime: this.o.useServerModTime,
        dstIncludeAll: this.deleteExcluded,
        noTraverseDst: this.noTraverse,
        listCutoff: this.o.listCutoff,
      },
    );
    // rclone's -vv lines, said about the destination as the march ends and its queues drain.
    log.debug(String(this.dst), "Waiting for checks to finish");
    await this.checks.onIdle();
    if (this.trackRenames) await this.renames(this.trackRenames);
    await this.checks.onIdle();
    log.debug(String(this.dst), "Waiting for transfers to finish");
    await this.transfers.onIdle();
    if (this.mode === "sync") {
      // Logged, not counted, as rclone does: the errors that stop the deletions are counted already.
      if (this.deleteMode === "after" && this.stats.errors > 0)
        log.error(String(this.dst), "not deleting files as there were IO errors");
      else if (this.deleteMode === "after")
        await this.deleteFiles(this.toDelete.filter((f) => !this.renamedAway.has(f)));
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
        useServerModTime: this.o.useServerModTime,
        dstIncludeAll: this.deleteExcluded,
        listCutoff: this.o.listCutoff,
      },
    );
    await this.deleteFiles(toDelete);
  }

  private async srcOnly(e: Entry): Promise<boolean> {
    if (e.kind === "dir") {
      this.sourceDir(e.remote);
      return true;
    }
    if (this.noTraverse) {
      // Not listed: the destination file, if any, is looked up by name (as rclone's --no-traverse).
      await this.enqueue(this.checks, async () => {
        let existing: FsObject | undefined;
        try {
          existing = await this.dst.newObject(e.remote, { signal: this.o.signal });
        } catch (err) {
          if (!isFsError(err, "ObjectNotFound")) return this.stats.error(err, e.remote, "Failed to check");
        }
        if (existing) await this.check(e, existing);
        else await this.newFile(e);
      });
      return false;
    }
    if (this.trackRenames) this.renameCandidates.push(e);
    else if (this.o.compareDest || this.o.copyDest) await this.enqueue(this.checks, () => this.newFile(e));
    else await this.newFile(e);
    return false;
  }

  /** Remembers a source directory, only when the end of the run needs them (bounded memory otherwise). */
  private sourceDir(remote: string): void {
    if (this.o.createEmptySrcDirs || (this.mode === "move" && this.o.deleteEmptySrcDirs)) this.srcDirs.push(remote);
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
      this.sourceDir(s.remote);
      return true;
    }
    if (d.kind !== "file") return false;
    if (unchangedByListing(s, d, this.compare)) {
      this.stats.totalChecks++;
      this.stats.checks++;
      if (this.mode === "move") await this.enqueue(this.checks, () => this.removeSource(s));
      else log.debug(s.remote, "Unchanged skipping");
      return false;
    }
    await this.enqueue(this.checks, () => this.check(s, d));
    return false;
  }

  /** A source file with a destination namesake that may differ: compared, then sent or skipped. */
  private async check(s: FsObject, d: FsObject): Promise<void> {
    this.stats.totalChecks++;
    let transfer: boolean;
    try {
      transfer = !(await this.settledByAltDest(s, d)) && (await needsTransfer(s, d, this.compare));
    } catch (err) {
      this.stats.error(err, s.remote, "Failed to check");
      return;
    } finally {
      this.stats.checks++;
    }
    if (transfer && this.o.immutable) this.immutableModified(d);
    else if (transfer) {
      this.queued(s);
      await this.enqueue(this.transfers, () => this.transfer(s, d));
    } else if (this.mode === "move") {
      await this.removeSource(s);
    } else log.debug(s.remote, "Unchanged skipping");
  }

  /** A source file with no destination namesake: sent, unless --compare-dest/--copy-dest settle it. */
  private async newFile(s: FsObject): Promise<void> {
    try {
      if (await this.settledByAltDest(s, undefined)) return;
    } catch (err) {
      this.stats.error(err, s.remote, "Failed to check");
      return;
    }
    this.queued(s);
    await this.enqueue(this.transfers, () => this.transfer(s, undefined));
  }

  /** rclone's words and exit code for a file --immutable forbids replacing. */
  immutableModified(d: FsObject): void {
    this.stats.error(
      new FsError("Other", "immutable file modified", { retry: "noRetry" }),
      d.remote,
      "Source and destination exist but do not match",
    );
  }

  /**
   * --compare-dest: true when a directory there holds `s` (nothing to send). --copy-dest: the
   * same file there is copied to the destination server-side instead of sending `s` (true once
   * that copy is queued, or when the destination already is that file).
   */
  private async settledByAltDest(s: FsObject, d: FsObject | undefined): Promise<boolean> {
    const { compareDest, copyDest } = this.o;
    if (compareDest) {
      if (!(await findEqualIn(compareDest, s, s.remote, this.compare))) return false;
      log.debug(s.remote, "Destination found in --compare-dest, skipping");
      return true;
    }
    if (!copyDest) return false;
    const found = await findEqualIn(copyDest, s, s.remote, this.compare);
    if (!found) {
      log.debug(s.remote, "Destination not found in --copy-dest");
      return false;
    }
    if (d && (await equal(s, d, { ...this.compare, noUpdateModTime: true }))) {
      log.debug(s.remote, "Unchanged skipping");
      return true;
    }
    this.queued(found);
    // Copied from the --copy-dest file, never moved out of it (a move's source goes as for an unchanged file).
    await this.enqueue(this.transfers, async () => {
      await this.transfer(found, d, s.remote, "copy");
      log.debug(s.remote, "Destination found in --copy-dest, using server-side copy");
    });
    return true;
  }

  /**
   * --track-renames, after the march: each source-only file that matches a destination-only file
   * is that file renamed (a server-side move, or copy and delete); the others are sent.
   */
  private async renames(strategy: readonly RenameStrategy[]): Promise<void> {
    log.info(String(this.dst), "Making map for --track-renames");
    const map = new RenameMap(
      strategy,
      commonHash(this.src, this.dst),
      modifyWindowOf(this.src, this.dst, this.o.modifyWindow),
      this.o.signal,
    );
    for (const d of this.toDelete) await this.enqueue(this.checks, () => map.add(d));
    await this.checks.onIdle();
    log.info(String(this.dst), "Finished making map for --track-renames");
    for (const s of this.renameCandidates) {
      await this.enqueue(this.checks, async () => {
        const from = await map.take(s);
        if (from && (await this.rename(from, s))) return;
        await this.newFile(s);
      });
    }
  }

  /** Renames destination file `from` to the name of `s`. False when it failed (then `s` is sent). */
  private async rename(from: FsObject, s: FsObject): Promise<boolean> {
    if (this.o.dryRun) {
      skippedNotice(from.remote, "move", from.size);
      this.renamedAway.add(from);
      return true;
    }
    // rclone counts a rename as two checks: the match found, and the move (which counts itself).
    this.stats.totalChecks += 2;
    this.stats.checks++;
    try {
      await transferOne("move", from, this.dst, s.remote, false, this.transferContext);
    } catch (err) {
      log.debug(s.remote, `Failed to rename to "${from.remote}": ${(err as Error).message}`);
      return false;
    }
    this.renamedAway.add(from);
    log.info(s.remote, `Renamed from "${from.remote}"`);
    return true;
  }

  /** Counts a file about to be sent: in move mode a check (rclone counts a move as one), else a transfer. */
  queued(s: FsObject): void {
    if (this.mode === "move") this.stats.totalChecks++;
    else this.stats.totalTransfers++;
    this.stats.totalBytes += Math.max(0, s.size);
  }

  /** Adds a job, waiting while --max-backlog jobs wait already, so the march never runs far ahead. */
  private enqueue(queue: PQueue, job: () => Promise<void>): Promise<void> {
    return addWithBacklog(queue, this.o.maxBacklog ?? DEFAULT_MAX_BACKLOG, job, (err) =>
      this.stats.error(err, undefined, "internal error"),
    );
  }

  private get transferContext() {
    return {
      stats: this.stats,
      signal: this.o.signal,
      lowLevelRetries: this.o.lowLevelRetries,
      useServerModTime: this.o.useServerModTime,
    };
  }

  /** Sends `s` to `remote` (copy, or move in move mode), backing up the file it replaces. */
  async transfer(
    s: FsObject,
    existing: FsObject | undefined,
    remote = s.remote,
    mode: "copy" | "move" = this.mode === "move" ? "move" : "copy",
  ): Promise<void> {
    if (!this.stats.mayStart(s.size)) return;
    this.o.signal?.throwIfAborted();
    if (this.o.dryRun) {
      // rclone would first move the old file into the backup, then copy; both are only reported.
      if (existing && (this.o.backupDir || this.o.suffix)) skippedNotice(existing.remote, "move", existing.size);
      skippedNotice(s.remote, mode, s.size);
      // Counted as if done, as rclone's accounting does in a dry run.
      this.stats.bytes += Math.max(0, s.size);
      this.stats.transfers++;
      return;
    }
    if (this.o.confirm && !(await this.o.confirm(mode, s.remote))) return;
    try {
      // Backed up, the old file is gone: rclone then logs the copy as new.
      const replacing = existing !== undefined && !(await this.backup(existing));
      await transferOne(mode, s, this.dst, remote, replacing, this.transferContext);
    } catch (err) {
      this.stats.error(err, s.remote, `Failed to ${mode}`);
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
      skippedNotice(s.remote, "delete", s.size);
      return;
    }
    // rclone counts a delete as a check too.
    this.stats.totalChecks++;
    try {
      await s.remove({ signal: this.o.signal });
      this.stats.deletes++;
      log.info(s.remote, "Deleted");
    } catch (err) {
      this.stats.error(err, s.remote, "Failed to delete source");
    } finally {
      this.stats.checks++;
    }
  }

  /** Deletes destination files, unless the run has had errors (rclone's rule) or --max-delete is hit. */
  private async deleteFiles(files: FsObject[]): Promise<void> {
    if (files.length === 0 || this.stats.errors > 0) return;
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
      skippedNotice(f.remote, backup ? "move into backup dir" : "delete", f.size);
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
    const name = suffix ? withSuffix(f.remote, suffix, this.o.suffixKeepExtension) : f.remote;
    // rclone's Move, counted and logged as such.
    await transferOne("move", f, backupDir ?? this.dst, name, false, this.transferContext);
    return true;
  }

  /** Removes directories deepest first, keeping any that are not empty (e.g. hold excluded files). */
  private async removeDirs(dirs: string[], fs: Fs): Promise<void> {
    if (this.stats.errors > 0 && fs === this.dst) {
      log.error(String(fs), "not deleting directories as there were IO errors");
      return;
    }
    if (dirs.length === 0) return;
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

/** `dir/name.txt` + `.bak` → `dir/name.txt.bak`, or `dir/name.bak.txt` keeping the extension. */
export function withSuffix(remote: string, suffix: string, keepExtension?: boolean): string {
  if (!keepExtension) return remote + suffix;
  const name = baseName(remote);
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return remote + suffix;
  return joinRemote(parentOf(remote), `${name.slice(0, dot)}${suffix}${name.slice(dot)}`);
}
