/** Flags and the run wrapper shared by copy, sync, move, copyto and moveto (rclone's names and defaults). */
import { createInterface } from "node:readline";
import type { Argv } from "yargs";
import { TokenBucket } from "../fs/accounting/bwlimit.js";
import { type CutoffMode, Stats } from "../fs/accounting/stats.js";
import { FsError } from "../fs/errors.js";
import { Filter } from "../fs/filter/filter.js";
import { type FilterArgs, filterFlags, filterOptionsFromArgs } from "../fs/filter/flags.js";
import { log } from "../fs/log.js";
import { newFs } from "../fs/new-fs.js";
import { parseRenameStrategy } from "../fs/sync/renames.js";
import { runWithRetries } from "../fs/sync/run.js";
import type { DeleteMode, SyncOptions } from "../fs/sync/sync.js";
import type { Fs } from "../fs/types.js";
import { formatSize, parseDuration, parseSize } from "../fs/units.js";
import { type ProgressArgs, progressFlags, progressFromArgs } from "./progress-flags.js";
import type { GlobalArgs } from "./shared.js";

export interface TransferArgs extends GlobalArgs, FilterArgs, ProgressArgs {
  "max-transfer": string;
  "cutoff-mode": CutoffMode;
  bwlimit: string;
  checksum: boolean;
  "size-only": boolean;
  "ignore-times": boolean;
  "ignore-existing": boolean;
  update: boolean;
  "ignore-size": boolean;
  "no-update-modtime": boolean;
  "delete-before": boolean;
  "delete-during": boolean;
  "delete-after": boolean;
  "max-delete": number;
  "backup-dir"?: string;
  suffix?: string;
  "suffix-keep-extension": boolean;
  "create-empty-src-dirs": boolean;
  "error-on-no-transfer": boolean;
  "track-renames": boolean;
  "track-renames-strategy": string;
  "compare-dest": string[];
  "copy-dest": string[];
  immutable: boolean;
  "no-traverse": boolean;
}

export function transferFlags<T>(y: Argv<T>): Argv<T & TransferArgs> {
  const z = progressFlags(filterFlags(y))
    .option("max-transfer", { type: "string", default: "off", description: "Maximum size of data to transfer" })
    .option("cutoff-mode", {
      type: "string",
      choices: ["hard", "soft", "cautious"],
      default: "hard",
      description: "Mode to stop transfers when reaching the max transfer limit",
    })
    .option("bwlimit", {
      type: "string",
      default: "off",
      description: "Bandwidth limit in KiB/s, or use suffix B|K|M|G|T|P",
    })
    .option("checksum", {
      alias: "c",
      type: "boolean",
      default: false,
      description: "Check for changes with size & checksum (if available, or fallback to size only)",
    })
    .option("size-only", {
      type: "boolean",
      default: false,
      description: "Skip based on size only, not modtime or checksum",
    })
    .option("ignore-times", {
      alias: "I",
      type: "boolean",
      default: false,
      description: "Don't skip files that match size and time - transfer all files",
    })
    .option("ignore-existing", {
      type: "boolean",
      default: false,
      description: "Skip all files that exist on destination",
    })
    .option("update", {
      alias: "u",
      type: "boolean",
      default: false,
      description: "Skip files that are newer on the destination",
    })
    .option("ignore-size", {
      type: "boolean",
      default: false,
      description: "Ignore size when skipping, use modtime or checksum",
    })
    .option("no-update-modtime", {
      type: "boolean",
      default: false,
      description: "Don't update destination modtime if files identical",
    })
    .option("delete-before", {
      type: "boolean",
      default: false,
      description: "When synchronizing, delete files on destination before transferring",
    })
    .option("delete-during", {
      type: "boolean",
      default: false,
      description: "When synchronizing, delete files during transfer",
    })
    .option("delete-after", {
      type: "boolean",
      default: false,
      description: "When synchronizing, delete files on destination after transferring (default)",
    })
    .option("max-delete", {
      type: "number",
      default: -1,
      description: "When synchronizing, limit the number of deletes",
    })
    .option("backup-dir", { type: "string", description: "Make backups into hierarchy based in DIR" })
    .option("suffix", { type: "string", description: "Suffix to add to changed files" })
    .option("suffix-keep-extension", {
      type: "boolean",
      default: false,
      description: "Preserve the extension when using --suffix",
    })
    .option("create-empty-src-dirs", {
      type: "boolean",
      default: false,
      description: "Create empty source dirs on destination after sync",
    })
    .option("error-on-no-transfer", {
      type: "boolean",
      default: false,
      description: "Sets exit code 9 if no files are transferred",
    })
    .option("track-renames", {
      type: "boolean",
      default: false,
      description: "When synchronizing, track file renames and do a server-side move if possible",
    })
    .option("track-renames-strategy", {
      type: "string",
      default: "hash",
      description: "Strategies to use when synchronizing using track-renames hash|modtime|leaf",
    })
    .option("compare-dest", {
      type: "string",
      array: true,
      default: [],
      description: "Include additional server-side paths during comparison",
    })
    .option("copy-dest", {
      type: "string",
      array: true,
      default: [],
      description: "Implies --compare-dest but also copies files from paths into destination",
    })
    .option("immutable", {
      type: "boolean",
      default: false,
      description: "Do not modify files, fail if existing files have been modified",
    })
    .option("no-traverse", {
      type: "boolean",
      default: false,
      description: "Don't traverse destination file system on copy",
    });
  return z as unknown as Argv<T & TransferArgs>;
}

function deleteModeOf(argv: TransferArgs): DeleteMode {
  const chosen = (["before", "during", "after"] as const).filter((m) => argv[`delete-${m}`]);
  if (chosen.length > 1)
    throw new FsError("Usage", "only one of --delete-before, --delete-during or --delete-after can be used");
  return chosen[0] ?? "after";
}

/** Asks before each change, rclone's -i: y(es), n(o), s(kip all of this kind), !(do all), q(uit). */
/** Closes the reader of -i answers, if one was opened. */
let closeQuestions: (() => void) | undefined;

function interactiveConfirm(): SyncOptions["confirm"] {
  const decided = new Map<string, boolean>();
  // One reader for the whole run: a reader per question would lose input it had buffered (piped
  // answers), and questions from concurrent transfers are asked one at a time.
  let answers: AsyncIterator<string> | undefined;
  let turn = Promise.resolve();
  const ask = async (action: string, remote: string): Promise<boolean> => {
    const known = decided.get(action);
    if (known !== undefined) return known;
    if (!answers) {
      const rl = createInterface({ input: process.stdin, terminal: false });
      answers = rl[Symbol.asyncIterator]();
      // An open reader on a terminal would keep the process alive after the run.
      closeQuestions = () => rl.close();
    }
    process.stderr.write(
      `strata: ${action} "${remote}"?\ny) Yes, this is OK (default)\nn) No, skip this\ns) Skip all ${action} operations with no more questions\n!) Do all ${action} operations with no more questions\nq) Exit strata now.\ny/n/s/!/q> `,
    );
    const next = await answers.next();
    // No more input: the safe answer is to change nothing more.
    const answer = next.done ? "s" : next.value.trim().toLowerCase();
    if (answer === "q") process.exit(0);
    if (answer === "s" || answer === "!") decided.set(action, answer === "!");
    return answer === "" || answer === "y" || answer === "!";
  };
  return (action, remote) => {
    const result = turn.then(() => ask(action, remote));
    turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
}

/** Opens the --compare-dest / --copy-dest directories (undefined when none are given). */
async function openAll(specs: readonly string[]): Promise<Fs[] | undefined> {
  return specs.length === 0 ? undefined : Promise.all(specs.map((s) => newFs(s)));
}

/** Builds the options of a transfer run from parsed flags. */
export async function syncOptionsFromArgs(argv: TransferArgs, stats: Stats): Promise<SyncOptions> {
  if (argv["compare-dest"].length > 0 && argv["copy-dest"].length > 0) {
    throw new FsError("Usage", "Can't use --compare-dest with --copy-dest.");
  }
  if (argv["backup-dir"] && argv.suffix === undefined && argv["backup-dir"] === "") {
    throw new FsError("Usage", "--backup-dir needs a directory");
  }
  return {
    stats,
    transfers: argv.transfers,
    checkers: argv.checkers,
    maxBacklog: argv["max-backlog"],
    listCutoff: argv["list-cutoff"],
    lowLevelRetries: argv["low-level-retries"],
    modifyWindow: parseDuration(argv["modify-window"]),
    useServerModTime: argv["use-server-modtime"],
    checksum: argv.checksum,
    sizeOnly: argv["size-only"],
    ignoreTimes: argv["ignore-times"],
    ignoreExisting: argv["ignore-existing"],
    update: argv.update,
    ignoreSize: argv["ignore-size"],
    noUpdateModTime: argv["no-update-modtime"],
    dryRun: argv["dry-run"],
    deleteMode: deleteModeOf(argv),
    maxDelete: argv["max-delete"],
    backupDir: argv["backup-dir"] ? await newFs(argv["backup-dir"]) : undefined,
    suffix: argv.suffix,
    suffixKeepExtension: argv["suffix-keep-extension"],
    createEmptySrcDirs: argv["create-empty-src-dirs"],
    filter: await Filter.create(filterOptionsFromArgs(argv)),
    confirm: argv.interactive ? interactiveConfirm() : undefined,
    trackRenames: argv["track-renames"] ? parseRenameStrategy(argv["track-renames-strategy"]) : undefined,
    compareDest: await openAll(argv["compare-dest"]),
    copyDest: await openAll(argv["copy-dest"]),
    immutable: argv.immutable,
    noTraverse: argv["no-traverse"],
  };
}

/** Runs a transfer command: stats, progress, --retries, the final stats and the exit code. */
export async function runTransfer(argv: TransferArgs, work: (o: SyncOptions) => Promise<void>): Promise<void> {
  const maxTransfer = parseSize(argv["max-transfer"]);
  const bw = parseSize(argv.bwlimit);
  const stats = new Stats({
    maxTransfer,
    cutoffMode: argv["cutoff-mode"],
    bwlimit: bw > 0 ? new TokenBucket(bw) : undefined,
  });
  if (bw > 0) log.info(undefined, `Starting bandwidth limiter at ${formatSize(bw)} Byte/s`);
  const options = await syncOptionsFromArgs(argv, stats);
  const stop = progressFromArgs(stats, argv, argv["dry-run"] || argv.interactive);
  try {
    await runWithRetries(
      stats,
      {
        retries: argv.retries,
        sleepMs: parseDuration(argv["retries-sleep"]),
        errorOnNoTransfer: argv["error-on-no-transfer"],
      },
      () => work(options),
    );
  } finally {
    stop();
    closeQuestions?.();
  }
}
