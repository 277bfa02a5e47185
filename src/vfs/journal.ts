/**
 * The pending-upload journal: one JSON record per line in `<state>/journal`, each made durable
 * (fsync) before the call that wrote it returns. A `put` record says "the cache file `id` holds the
 * whole content of `path`, `size` bytes, modified at `mtime`, and is not uploaded yet"; a later `put`
 * of the same id (a rename, a rewrite) replaces it; a `done` record ends it (uploaded, or removed).
 * A line cut short by a crash is ignored: the record it was writing had not been acknowledged.
 */
import { type FileHandle, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { log } from "../fs/log.js";

/** A file closed but not yet uploaded. */
export interface PendingUpload {
  id: string;
  path: string;
  size: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
}

type JournalRecord = ({ op: "put" } & PendingUpload) | { op: "done"; id: string };

const JOURNAL = "journal";
/** Records written before the journal is rewritten to hold just the pending ones (when they are few). */
const COMPACT_AT = 10_000;

/** Reads the records of `lines`, skipping any that do not parse (the torn last line of a crash). */
function replay(lines: string): Map<string, PendingUpload> {
  const pending = new Map<string, PendingUpload>();
  for (const line of lines.split("\n")) {
    if (line === "") continue;
    let rec: JournalRecord;
    try {
      rec = JSON.parse(line) as JournalRecord;
    } catch {
      log.debug("vfs journal", `ignoring a torn record: ${line.slice(0, 80)}`);
      continue;
    }
    if (rec.op === "done") pending.delete(rec.id);
    else if (rec.op === "put") pending.set(rec.id, { id: rec.id, path: rec.path, size: rec.size, mtime: rec.mtime });
  }
  return pending;
}

/** fsyncs a directory, so a file just created or renamed in it survives a power cut. */
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class Journal {
  /** Appends run one after another, so records never interleave. */
  private tail: Promise<void> = Promise.resolve();
  /** What the journal lists as pending now, by id. */
  private readonly pending: Map<string, PendingUpload>;
  /** Records in the file, pending or ended. */
  private lines: number;

  private constructor(
    private readonly file: string,
    private fh: FileHandle,
    /** What was pending when the journal was opened. */
    readonly recovered: PendingUpload[],
    private readonly compactAt: number,
  ) {
    this.pending = new Map(recovered.map((p) => [p.id, p]));
    this.lines = recovered.length;
  }

  /**
   * Opens the journal in `dir`, returning what it lists as pending, and rewrites it to hold just
   * those records (so it does not grow across restarts). While open, it is rewritten the same way
   * once it holds more than `compactAt` records, four times as many as are pending.
   */
  static async open(dir: string, compactAt = COMPACT_AT): Promise<Journal> {
    const file = join(dir, JOURNAL);
    const old = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return "";
      throw err;
    });
    const pending = [...replay(old).values()];
    await rewrite(file, pending);
    return new Journal(file, await open(file, "a"), pending, compactAt);
  }

  /** Records `upload` as pending; durable when this resolves. */
  put(upload: PendingUpload): Promise<void> {
    return this.append({ op: "put", ...upload });
  }

  /** Records that cache file `id` needs no upload any more; durable when this resolves. */
  done(id: string): Promise<void> {
    return this.append({ op: "done", id });
  }

  async close(): Promise<void> {
    await this.tail.catch(() => undefined);
    await this.fh.close();
  }

  private append(rec: JournalRecord): Promise<void> {
    const line = `${JSON.stringify(rec)}\n`;
    const run = this.tail.then(async () => {
      await this.fh.write(line);
      await this.fh.datasync();
      this.lines++;
      if (rec.op === "done") this.pending.delete(rec.id);
      else this.pending.set(rec.id, { id: rec.id, path: rec.path, size: rec.size, mtime: rec.mtime });
      // A mount that runs for months must not keep every record it ever wrote.
      if (this.lines > this.compactAt && this.lines > 4 * this.pending.size) await this.compact();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async compact(): Promise<void> {
    const pending = [...this.pending.values()];
    await rewrite(this.file, pending);
    await this.fh.close();
    this.fh = await open(this.file, "a");
    this.lines = pending.length;
  }
}

/** Replaces the journal `file` by one holding just `pending`, durably (temporary file, fsync, rename, fsync of the directory). */
async function rewrite(file: string, pending: readonly PendingUpload[]): Promise<void> {
  const fresh = `${file}.new`;
  const out = await open(fresh, "w");
  try {
    await out.writeFile(pending.map((p) => `${JSON.stringify({ op: "put", ...p })}\n`).join(""));
    await out.sync();
  } finally {
    await out.close();
  }
  await rename(fresh, file);
  await syncDir(dirname(file));
}
