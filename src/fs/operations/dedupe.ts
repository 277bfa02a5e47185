/**
 * dedupe, as rclone 1.60's: groups of files with the same name (or, with `byHash`, the same
 * content) are listed, thinned to one by a rule, renamed apart, or left to a person to decide.
 *
 * No strata backend can hold two files of one name, nor two directories of one name (rclone's
 * DuplicateFiles feature; Google Drive can), so by name nothing is ever found and rclone's notice
 * says so. By hash it finds identical files under different names on any remote with a hash.
 */
import { FsError, isFsError } from "../errors.js";
import { HASH_TYPES, type HashType } from "../hashes.js";
import { log } from "../log.js";
import type { CallOptions, Fs, FsObject } from "../types.js";
import { deleteFile, skippedNotice } from "./delete.js";
import { walk } from "./walk.js";

export const DEDUPE_MODES = [
  "interactive",
  "skip",
  "first",
  "newest",
  "oldest",
  "largest",
  "smallest",
  "rename",
  "list",
] as const;
export type DedupeMode = (typeof DEDUPE_MODES)[number];

/** What a person chose for one group in interactive mode: skip it, keep the nth (1-based), rename, or quit. */
export type DedupeChoice =
  | { action: "skip" }
  | { action: "keep"; n: number }
  | { action: "rename" }
  | { action: "quit" };

export interface DedupeOptions extends CallOptions {
  mode: DedupeMode;
  /** Group by content hash instead of by name. */
  byHash?: boolean;
  dryRun?: boolean;
  /** Where list output goes (rclone prints it on stdout). */
  print: (line: string) => void;
  /** interactive: asked once per group, after the group was printed. `canRename` is false by hash. */
  choose?: (group: DedupeGroup, canRename: boolean) => Promise<DedupeChoice>;
}

/** Files sharing a name or a hash (`key`), in listing order. */
export interface DedupeGroup {
  key: string;
  files: FsObject[];
}

/** Parses a mode name. Throws `Usage` with rclone's words for an unknown one. */
export function parseDedupeMode(text: string): DedupeMode {
  const mode = text.toLowerCase() as DedupeMode;
  if (!DEDUPE_MODES.includes(mode)) throw new FsError("Usage", `unknown mode for dedupe "${text}"`);
  return mode;
}

/**
 * Deduplicates `fs` by `o.mode`. Errors deleting or renaming one file are logged and counted in
 * the returned number; listing errors are thrown. Throws `NotImplemented` when `byHash` is asked
 * of a remote without hashes.
 */
export async function dedupe(fs: Fs, o: DedupeOptions): Promise<number> {
  const hashType = HASH_TYPES.find((t) => fs.hashes.has(t));
  if (o.byHash && !hashType) throw new FsError("NotImplemented", `${fs} has no hashes`);
  const what = o.byHash ? `${hashType} hashes` : "names";
  if (!o.byHash)
    log.notice(String(fs), "Can't have duplicate names here. Perhaps you wanted --by-hash ? Continuing anyway.");
  log.info(String(fs), `Looking for duplicate ${what} using ${o.mode} mode.`);
  const groups = await findGroups(fs, o.byHash ? hashType : undefined, o);
  let errors = 0;
  const run = new GroupActions(fs, o, hashType, () => errors++);
  for (const group of groups) {
    log.notice(group.key, `Found ${group.files.length} files with duplicate ${what}`);
    if (o.mode === "interactive") {
      if (!(await run.interactive(group))) break;
    } else if (o.mode === "skip") log.notice(group.key, `Skipping ${group.files.length} files with duplicate ${what}`);
    else if (o.mode === "list") run.list(group);
    else if (o.mode === "rename") await run.rename(group);
    else await run.keepOne(group, keeperIndex(o.mode, group.files));
  }
  return errors;
}

/** Groups of more than one file by name or by `hashType`, ordered by key. */
async function findGroups(fs: Fs, hashType: HashType | undefined, o: CallOptions): Promise<DedupeGroup[]> {
  const byKey = new Map<string, FsObject[]>();
  for await (const { entries } of walk(fs, "", o)) {
    for (const e of entries) {
      if (e.kind !== "file") continue;
      let key: string | undefined = e.remote;
      if (hashType) {
        try {
          key = await e.hash(hashType, o);
        } catch (err) {
          log.error(e.remote, `Failed to hash: ${(err as Error).message}`);
          key = undefined;
        }
      }
      if (!key) continue;
      const list = byKey.get(key);
      if (list) list.push(e);
      else byKey.set(key, [e]);
    }
  }
  // rclone goes through a Go map (any order); sorted keys make runs repeatable.
  return [...byKey]
    .filter(([, files]) => files.length > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, files]) => ({ key, files }));
}

/** Which file a keep-one mode keeps, after sorting `files` as rclone does (oldest or smallest first, stable). */
function keeperIndex(mode: DedupeMode, files: FsObject[]): number {
  if (mode === "newest" || mode === "oldest") files.sort((a, b) => a.modTime.getTime() - b.modTime.getTime());
  else if (mode === "largest" || mode === "smallest") files.sort((a, b) => a.size - b.size);
  return mode === "newest" || mode === "largest" ? files.length - 1 : 0;
}

/** What the modes do to one group. */
class GroupActions {
  constructor(
    private readonly fs: Fs,
    private readonly o: DedupeOptions,
    private readonly hashType: HashType | undefined,
    private readonly failed: () => void,
  ) {}

  /** rclone's listing of a group: number, size, local modtime, then the name (by hash) or the hash. */
  list(group: DedupeGroup): void {
    this.o.print(`${group.key}: ${group.files.length} duplicates`);
    group.files.forEach((f, i) => {
      const head = `  ${i + 1}: ${String(f.size).padStart(12)} bytes, ${localTime(f.modTime)}`;
      this.o.print(this.o.byHash ? `${head}, ${f.remote}` : `${head}, ${this.hashType ?? "none"} ${f.remote}`);
    });
  }

  /** Deletes every file of the group but the `keep`th. */
  async keepOne(group: DedupeGroup, keep: number): Promise<void> {
    let count = 0;
    for (const [i, f] of group.files.entries()) {
      if (i === keep) continue;
      try {
        await deleteFile(f, this.o);
        count++;
      } catch (err) {
        this.failed();
        log.error(f.remote, `Couldn't delete: ${(err as Error).message}`);
      }
    }
    if (count > 0) log.notice(group.key, `Deleted ${count} extra copies`);
  }

  /**
   * Renames the nth file of the group to `key-n.ext` (the first free such name), with the remote's
   * server-side move. By hash the key is the hash, so files are named after it, as rclone names them.
   */
  async rename(group: DedupeGroup): Promise<void> {
    const move = this.fs.features.move;
    if (!move) throw new FsError("NotImplemented", `Fs ${this.fs} doesn't support Move`);
    const dot = group.key.lastIndexOf(".");
    const ext = dot > group.key.lastIndexOf("/") ? group.key.slice(dot) : "";
    const base = group.key.slice(0, group.key.length - ext.length);
    for (const [i, f] of group.files.entries()) {
      const name = await this.freeName(base, ext, i + 1);
      if (name === undefined) {
        this.failed();
        log.error(f.remote, "Could not find an available new name");
        continue;
      }
      if (this.o.dryRun) {
        skippedNotice(f.remote, "rename", f.size);
        continue;
      }
      try {
        await move(f, name, this.o);
        log.info(name, `renamed from: ${f.remote}`);
      } catch (err) {
        this.failed();
        log.error(f.remote, `Failed to rename: ${(err as Error).message}`);
      }
    }
  }

  /** `base-n.ext` for the first n from `first` that names no file (giving up after 100 tries). */
  private async freeName(base: string, ext: string, first: number): Promise<string | undefined> {
    for (let n = first; n <= first + 100; n++) {
      const name = `${base}-${n}${ext}`;
      try {
        await this.fs.newObject(name, this.o);
      } catch (err) {
        if (isFsError(err, "ObjectNotFound")) return name;
        throw err;
      }
    }
    return undefined;
  }

  /** Lists the group and does what the person chooses. False when they chose to quit. */
  async interactive(group: DedupeGroup): Promise<boolean> {
    this.list(group);
    const choose = this.o.choose;
    if (!choose) throw new FsError("Usage", "interactive dedupe needs a way to ask");
    const choice = await choose(group, !this.o.byHash);
    if (choice.action === "keep") await this.keepOne(group, choice.n - 1);
    else if (choice.action === "rename") await this.rename(group);
    return choice.action !== "quit";
  }
}

/** `2006-01-02 15:04:05.000000000` in local time, as rclone prints modtimes in dedupe listings. */
function localTime(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000000`;
}
