/**
 * One directory listing in march order: by name (code point order, as rclone), a directory before a
 * file of the same name. A listing above the cutoff is sorted on disk, as rclone's `--list-cutoff`:
 * sorted runs of `cutoff` entries go to a temporary directory and are merged, and each entry is let go
 * as it is handed out, so the march does not hold a huge directory twice.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { compareNames } from "../operations/walk.js";
import { baseName } from "../path.js";
import type { Entry } from "../types.js";

/** rclone's default `--list-cutoff`: directories with more entries are sorted on disk. */
export const DEFAULT_LIST_CUTOFF = 1_000_000;

/** An entry with the name it is sorted and paired by. */
export interface Named {
  name: string;
  entry: Entry;
}

export interface SortOptions {
  /** Entries above which the listing is sorted on disk (at least 1). */
  cutoff: number;
  /** Where the sorted runs go (default: the OS temporary directory); they are removed when done. */
  spillDir?: string;
}

const rank = (e: Entry) => (e.kind === "dir" ? 0 : 1);

/** March order of two named entries (negative: `a` first; 0: the same name and kind). */
export function marchOrder(a: Named, b: Named): number {
  return compareNames(a.name, b.name) || rank(a.entry) - rank(b.entry);
}

/**
 * `entries` in march order. Above `o.cutoff` entries the listing is sorted on disk and the slots of
 * `entries` are emptied as their entries are handed out; the temporary files are removed when the
 * iteration ends, also when it is abandoned part-way.
 */
export async function* sortedListing(entries: (Entry | undefined)[], o: SortOptions): AsyncGenerator<Named> {
  if (entries.length <= o.cutoff) {
    yield* entries.map((e) => named(e as Entry)).sort(marchOrder);
    return;
  }
  const dir = await mkdtemp(join(o.spillDir ?? tmpdir(), "strata-list-"));
  const runs: RunReader[] = [];
  try {
    for (let start = 0; start < entries.length; start += Math.max(1, o.cutoff)) {
      const file = join(dir, `run-${runs.length}`);
      await writeRun(file, entries, start, Math.min(entries.length, start + Math.max(1, o.cutoff)));
      runs.push(await RunReader.open(file));
    }
    for (;;) {
      let best: RunReader | undefined;
      for (const r of runs) if (r.head && (!best || compareLines(r.head, best.head as RunLine) < 0)) best = r;
      if (!best?.head) return;
      const [name, , index] = best.head;
      const entry = entries[index] as Entry;
      entries[index] = undefined;
      await best.advance();
      yield { name, entry };
    }
  } finally {
    for (const r of runs) r.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function named(entry: Entry): Named {
  return { name: baseName(entry.remote), entry };
}

/** A sorted run's line: the name, the kind's rank, the entry's index in the listing. */
type RunLine = [string, number, number];

function compareLines(a: RunLine, b: RunLine): number {
  return compareNames(a[0], b[0]) || a[1] - b[1];
}

/** Sorts `entries[start..end)` and writes them as JSON lines (a name may hold any character but NUL). */
async function writeRun(file: string, entries: (Entry | undefined)[], start: number, end: number): Promise<void> {
  const run: RunLine[] = [];
  for (let i = start; i < end; i++) {
    const e = entries[i] as Entry;
    run.push([baseName(e.remote), rank(e), i]);
  }
  run.sort(compareLines);
  const fh = await open(file, "w");
  try {
    let buffered: string[] = [];
    for (const line of run) {
      buffered.push(JSON.stringify(line));
      if (buffered.length === 4096) {
        await fh.write(`${buffered.join("\n")}\n`);
        buffered = [];
      }
    }
    if (buffered.length > 0) await fh.write(`${buffered.join("\n")}\n`);
  } finally {
    await fh.close();
  }
}

/** Reads a sorted run back one line at a time; `head` is the current line, undefined at the end. */
class RunReader {
  head: RunLine | undefined;

  private constructor(
    private readonly lines: AsyncIterator<string>,
    private readonly stop: () => void,
  ) {}

  static async open(file: string): Promise<RunReader> {
    const stream = createReadStream(file, { encoding: "utf8" });
    const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    const reader = new RunReader(rl[Symbol.asyncIterator](), () => {
      rl.close();
      stream.destroy();
    });
    await reader.advance();
    return reader;
  }

  async advance(): Promise<void> {
    const next = await this.lines.next();
    this.head = next.done ? undefined : (JSON.parse(next.value) as RunLine);
  }

  close(): void {
    this.stop();
  }
}
