/**
 * Counting a run the way rclone's accounting does: bytes, transfers, checks, deletes, errors, the
 * transfers in flight, and the stats block printed at the end and by --progress.
 */
import { FsError, isFsError, worthAnotherRun } from "../errors.js";
import { log } from "../log.js";
import type { Body } from "../types.js";
import { formatBytes, formatDuration } from "../units.js";
import type { TokenBucket } from "./bwlimit.js";

export type CutoffMode = "hard" | "soft" | "cautious";

export interface StatsOptions {
  /** Stop after this many bytes (-1: no limit). */
  maxTransfer?: number;
  cutoffMode?: CutoffMode;
  bwlimit?: TokenBucket;
}

/** One transfer in flight, or one check that reads data (shown among the transfers, counted as a check). */
export class Transfer {
  bytes = 0;
  readonly started = Date.now();
  constructor(
    readonly stats: Stats,
    readonly remote: string,
    readonly size: number,
    readonly kind: "transfer" | "check" = "transfer",
  ) {}

  /** Wraps a body so its bytes are counted, rate-limited and cut off at --max-transfer. */
  account(body: Body, signal?: AbortSignal): Body {
    const stats = this.stats;
    const transfer = this;
    return (async function* () {
      for await (const part of body) {
        if (stats.bwlimit) await stats.bwlimit.take(part.length, signal);
        transfer.bytes += part.length;
        stats.bytes += part.length;
        if (stats.maxTransfer >= 0 && stats.cutoffMode === "hard" && stats.bytes > stats.maxTransfer) {
          stats.cutoffReached = true;
          throw maxTransferError();
        }
        yield part;
      }
    })();
  }

  /** Counts bytes that moved without a body to wrap: server-side, or pushed by this process piece by piece. */
  add(bytes: number): void {
    this.bytes += bytes;
    this.stats.bytes += bytes;
  }

  /**
   * Counts a server-side copy or move of `bytes`: transferred bytes (so they count against
   * --max-transfer, as rclone counts them), and the server-side figures of the stats block.
   */
  serverSide(kind: "copy" | "move", bytes: number): void {
    this.add(bytes);
    if (kind === "copy") {
      this.stats.serverSideCopies++;
      this.stats.serverSideCopyBytes += bytes;
    } else {
      this.stats.serverSideMoves++;
      this.stats.serverSideMoveBytes += bytes;
    }
  }

  /** Ends the transfer; `err` counts it as failed (its bytes stay counted, as in rclone). A check counts either way. */
  done(err?: unknown): void {
    this.stats.transferring.delete(this);
    if (this.kind === "check") this.stats.checks++;
    else if (err === undefined) this.stats.transfers++;
  }
}

export function maxTransferError(): FsError {
  return new FsError("MaxTransferReached", "max transfer limit reached as set by --max-transfer", { retry: "fatal" });
}

export class Stats {
  readonly start = Date.now();
  bytes = 0;
  totalBytes = 0;
  transfers = 0;
  totalTransfers = 0;
  checks = 0;
  totalChecks = 0;
  deletes = 0;
  deletedDirs = 0;
  /** Files moved (server-side or by copy and delete) and renamed, rclone's "Renamed". */
  renames = 0;
  serverSideCopies = 0;
  serverSideCopyBytes = 0;
  serverSideMoves = 0;
  serverSideMoveBytes = 0;
  errors = 0;
  /** Errors another run could end differently for (`worthAnotherRun`): --retries repeats only for them. */
  retryableErrors = 0;
  lastError: unknown;
  cutoffReached = false;
  readonly transferring = new Set<Transfer>();
  readonly maxTransfer: number;
  readonly cutoffMode: CutoffMode;
  readonly bwlimit: TokenBucket | undefined;

  constructor(options: StatsOptions = {}) {
    this.maxTransfer = options.maxTransfer ?? -1;
    this.cutoffMode = options.cutoffMode ?? "hard";
    this.bwlimit = options.bwlimit;
  }

  /** Records an error against `remote` and logs it, after `action` when given (`Failed to copy: …`). */
  error(err: unknown, remote: string | undefined, action?: string): void {
    this.errors++;
    if (worthAnotherRun(err)) this.retryableErrors++;
    this.lastError = err;
    const message = err instanceof Error ? err.message : String(err);
    log.error(remote || undefined, action === undefined ? message : `${action}: ${message}`);
  }

  /** Whether --bwlimit or --max-transfer must see every byte (a copy that could stream, should). */
  get limitsBytes(): boolean {
    return this.bwlimit !== undefined || this.maxTransfer >= 0;
  }

  /** Whether a new transfer of `size` bytes may start under --max-transfer. */
  mayStart(size: number): boolean {
    if (this.maxTransfer < 0) return true;
    if (
      this.cutoffMode === "cautious" &&
      this.bytes + this.inFlightRemaining() + Math.max(0, size) > this.maxTransfer
    ) {
      this.cutoffReached = true;
      return false;
    }
    if (this.bytes >= this.maxTransfer) {
      this.cutoffReached = true;
      return false;
    }
    return true;
  }

  private inFlightRemaining(): number {
    let n = 0;
    for (const t of this.transferring) n += Math.max(0, t.size - t.bytes);
    return n;
  }

  startTransfer(remote: string, size: number, kind: Transfer["kind"] = "transfer"): Transfer {
    const t = new Transfer(this, remote, size, kind);
    this.transferring.add(t);
    return t;
  }

  elapsedMs(): number {
    return Date.now() - this.start;
  }

  /** Average speed in bytes per second. */
  speed(): number {
    const s = this.elapsedMs() / 1000;
    return s > 0 ? this.bytes / s : 0;
  }

  private eta(): string {
    const speed = this.speed();
    const left = this.totalBytes - this.bytes;
    if (speed <= 0 || left <= 0) return "-";
    return formatDuration((left / speed) * 1000).replace(/\.\ds$/, "s");
  }

  /** `      7 B / 7 B, 100%, 0 B/s, ETA -` (rclone's `%13s` for the bytes so far) */
  transferredLine(): string {
    const total = Math.max(this.totalBytes, this.bytes);
    return `${formatBytes(this.bytes).padStart(13)} / ${formatBytes(total)}, ${percent(this.bytes, total)}, ${formatBytes(this.speed())}/s, ETA ${this.eta()}`;
  }

  /** The stats block rclone prints at the end and under --progress. */
  summary(withTransferring = false): string {
    const lines = [`Transferred:   \t${this.transferredLine()}`];
    if (this.errors > 0) {
      const last = this.lastError;
      const why =
        isFsError(last) && last.retry === "fatal"
          ? " (fatal error encountered)"
          : this.retryableErrors > 0
            ? " (retrying may help)"
            : " (no need to retry)";
      lines.push(`Errors:        ${String(this.errors).padStart(10)}${why}`);
    }
    if (this.checks > 0 || this.totalChecks > 0) {
      lines.push(
        `Checks:        ${String(this.checks).padStart(10)} / ${Math.max(this.checks, this.totalChecks)}, ${percent(this.checks, Math.max(this.checks, this.totalChecks))}`,
      );
    }
    if (this.deletes > 0 || this.deletedDirs > 0) {
      lines.push(`Deleted:       ${String(this.deletes).padStart(10)} (files), ${this.deletedDirs} (dirs)`);
    }
    if (this.renames > 0) lines.push(`Renamed:       ${String(this.renames).padStart(10)}`);
    if (this.transfers > 0 || this.totalTransfers > 0) {
      const total = Math.max(this.transfers, this.totalTransfers);
      lines.push(`Transferred:   ${String(this.transfers).padStart(10)} / ${total}, ${percent(this.transfers, total)}`);
    }
    // rclone 1.60 counts server-side bytes as transferred and prints no more; these two lines are
    // rclone 1.64's, so a run tells what moved on the servers from what streamed through strata.
    if (this.serverSideCopies > 0) {
      lines.push(
        `Server Side Copies:${String(this.serverSideCopies).padStart(6)} @ ${formatBytes(this.serverSideCopyBytes)}`,
      );
    }
    if (this.serverSideMoves > 0) {
      lines.push(
        `Server Side Moves:${String(this.serverSideMoves).padStart(7)} @ ${formatBytes(this.serverSideMoveBytes)}`,
      );
    }
    lines.push(`Elapsed time:  ${formatDuration(this.elapsedMs()).slice(0, -1).padStart(10)}s`);
    if (withTransferring && this.transferring.size > 0) {
      lines.push("Transferring:");
      for (const t of this.transferring) lines.push(transferLine(t));
    }
    return lines.join("\n");
  }

  /**
   * `--stats-one-line`: the transferred line plus, while the run goes on and some are still to do,
   * transfers and checks (rclone shows them only while its queues are not empty, so never at the end).
   */
  oneLine(inProgress = false): string {
    const parts: string[] = [];
    const totalTransfers = Math.max(this.transfers, this.totalTransfers);
    const totalChecks = Math.max(this.checks, this.totalChecks);
    if (inProgress && totalTransfers > this.transfers) parts.push(`xfr#${this.transfers}/${totalTransfers}`);
    if (inProgress && totalChecks > this.checks) parts.push(`chk#${this.checks}/${totalChecks}`);
    return `${this.transferredLine()}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
  }
}

function percent(a: number, b: number): string {
  return b <= 0 ? "-" : `${Math.floor((a * 100) / b)}%`;
}

/** ` * name: 42% /1.000 MiB, 2.000 MiB/s, 0s` with a small bar, as rclone's progress shows a transfer. */
function transferLine(t: Transfer): string {
  const secs = (Date.now() - t.started) / 1000;
  const speed = secs > 0 ? t.bytes / secs : 0;
  const pct = t.size > 0 ? Math.floor((t.bytes * 100) / t.size) : 0;
  const bar = t.size > 0 ? `[${"=".repeat(Math.floor(pct / 10)).padEnd(10, " ")}]` : "";
  const name = t.remote.length > 40 ? `…${t.remote.slice(-39)}` : t.remote;
  return ` * ${name.padStart(40)}:${String(pct).padStart(3)}% ${bar} /${formatBytes(t.size)}, ${formatBytes(speed)}/s`;
}
