/**
 * Every stack the conformance suite (and the sync and check tests) run over, once each.
 * A row's `make` returns a fresh, empty Fs on every call; `options` holds what the suite must know
 * about the row (names it cannot hold, name length), so adding a stack is adding one row here.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteValue } from "../../src/fs/fspath.js";
import { createContext, newFs } from "../../src/fs/new-fs.js";
import type { Fs } from "../../src/fs/types.js";
import type { FsSuiteOptions } from "./suite.js";

export interface Stack {
  label: string;
  /** A fresh, empty Fs (a new random root each call). */
  make: () => Promise<Fs>;
  options?: FsSuiteOptions;
}

const tempDirs: string[] = [];

/** A new empty directory on local disk, removed by `removeStackTemps`. */
export function tempDir(prefix = "strata-conf-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories local rows created; call from `afterAll`. */
export function removeStackTemps(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

const randomName = () => randomBytes(6).toString("hex");

export const stacks: Stack[] = [
  {
    label: "memory",
    // A fresh context each time so the instance cache never hands back an Fs from another group.
    make: () => newFs(`:memory:conf-${randomName()}`, createContext()),
  },
  {
    label: "local",
    make: () => newFs(tempDir(), createContext()),
  },
  {
    label: "alias(local)",
    make: () => newFs(`:alias,remote=${quoteValue(tempDir())}:`, createContext()),
  },
  {
    label: "chunker(memory)",
    make: () =>
      newFs(`:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b:`, createContext()),
  },
  {
    label: "chunker(local)",
    make: () => newFs(`:chunker,remote=${quoteValue(tempDir())},chunk_size=1000b:`, createContext()),
    // Every file is first written under a temporary chunk name, 24 bytes longer than its own (rclone's
    // documented limit: base names of at most 231 bytes on a 255-byte file system).
    options: { maxNameBytes: 231 },
  },
  {
    label: "chunker(local, *.part##, start_from 0, sha1)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(tempDir())},chunk_size=1000b,name_format=*.part##,start_from=0,hash_type=sha1:`,
        createContext(),
      ),
    // ".part00_" + a 6-character txn: 14 bytes.
    options: { maxNameBytes: 241 },
  },
  {
    label: "chunker(memory, meta_format none)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,meta_format=none,hash_type=none:`,
        createContext(),
      ),
    // Every file is stored as chunks, and rclone's chunk-name regex (Go's "." stops at "\n") does not
    // match a name with a line feed: rclone 1.60 lists such a file under its chunk name.
    options: { unsupportedNames: ["control-chars", "leading-lf", "trailing-lf"] },
  },
  {
    label: "chunker(memory, md5all)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=md5all:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, sha1all)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=sha1all:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, md5quick)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,hash_type=md5quick:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, transactions norename)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,transactions=norename:`,
        createContext(),
      ),
  },
  {
    label: "chunker(memory, transactions auto)",
    make: () =>
      newFs(
        `:chunker,remote=${quoteValue(`:memory:conf-${randomName()}`)},chunk_size=1000b,transactions=auto:`,
        createContext(),
      ),
  },
];
