/**
 * One file copied or moved by a transfer command, counted and logged as rclone 1.60 counts and
 * logs it: a copy is a transfer; a move is a check that renames, and a transfer too when the
 * destination cannot move it server-side and it is copied then deleted.
 */
import type { Stats } from "../accounting/stats.js";
import { log } from "../log.js";
import { type CopyOptions, copyFile, moveFile, type ServerSideKind } from "../operations/copy.js";
import { withRetries } from "../operations/retry.js";
import type { Fs, FsObject } from "../types.js";

export interface TransferContext {
  stats: Stats;
  signal?: AbortSignal;
  lowLevelRetries?: number;
  useServerModTime?: boolean;
}

/**
 * Copies or moves `src` to `remote` on `dst`, retried per --low-level-retries. `replacing`: a file
 * is being overwritten (for the log line). Bytes that stream pass --bwlimit and --max-transfer;
 * server-side bytes count as transferred and in the server-side figures. Throws the failure after
 * counting it against the transfer (the caller records the error).
 */
export async function transferOne(
  mode: "copy" | "move",
  src: FsObject,
  dst: Fs,
  remote: string,
  replacing: boolean,
  ctx: TransferContext,
): Promise<void> {
  const { stats, signal } = ctx;
  const size = Math.max(0, src.size);
  const t = stats.startTransfer(src.remote, src.size, mode === "move" ? "check" : "transfer");
  let how: ServerSideKind | undefined;
  const options: CopyOptions = {
    signal,
    streamLocalCopies: stats.limitsBytes,
    useServerModTime: ctx.useServerModTime,
    account: (body) => t.account(body, signal),
    onServerSide: (kind) => {
      how = kind;
      // A copy between local disks is a stream to rclone: counted as bytes sent, not server-side.
      if (kind === "localCopy") t.add(size);
      else t.serverSide(kind, size);
    },
  };
  try {
    await withRetries(
      () => (mode === "move" ? moveFile(src, dst, remote, options) : copyFile(src, dst, remote, options)),
      { attempts: ctx.lowLevelRetries ?? 10, signal, what: src.remote },
    );
  } catch (err) {
    t.done(err);
    throw err;
  }
  t.done();
  const to = remote === src.remote ? "" : ` to: ${remote}`;
  if (how === "move") {
    stats.renames++;
    log.info(src.remote, `Moved (server-side)${to}`);
    return;
  }
  const copied =
    how === "copy" ? "Copied (server-side copy)" : replacing ? "Copied (replaced existing)" : "Copied (new)";
  log.info(src.remote, `${copied}${to}`);
  if (mode === "move") {
    // Copied, then the source deleted: rclone counts a transfer, a delete (itself a check) and a rename.
    stats.totalTransfers++;
    stats.transfers++;
    stats.totalChecks++;
    stats.checks++;
    stats.deletes++;
    stats.renames++;
    log.info(src.remote, "Deleted");
  }
}
