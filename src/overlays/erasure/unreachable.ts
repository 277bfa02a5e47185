/**
 * Stands in for an upstream that could not be opened (a server down when the erasure remote is
 * built): every call fails as that upstream's calls would once it went down later, so the erasure
 * remote reads and writes through the others, and `erasure status` reports it unreachable.
 */
import { FsError } from "../../fs/errors.js";
import { fillFeatures } from "../../fs/features.js";
import type { HashType } from "../../fs/hashes.js";
import type { Entry, Fs, FsObject } from "../../fs/types.js";

export class UnreachableFs implements Fs {
  readonly root = "";
  // It claims no optional operation and no fact that would narrow what the other upstreams allow.
  readonly features = fillFeatures({});
  readonly hashes: ReadonlySet<HashType> = new Set();
  readonly precision = 1;
  private readonly error: FsError;

  constructor(
    readonly name: string,
    private readonly spec: string,
    cause: unknown,
  ) {
    // Callers name the upstream (by `toString`) in their own messages.
    this.error = new FsError("Transient", `cannot be reached: ${(cause as Error).message}`, { cause });
  }

  list(): Promise<Entry[]> {
    return Promise.reject(this.error);
  }

  newObject(): Promise<FsObject> {
    return Promise.reject(this.error);
  }

  put(): Promise<FsObject> {
    return Promise.reject(this.error);
  }

  mkdir(): Promise<void> {
    return Promise.reject(this.error);
  }

  rmdir(): Promise<void> {
    return Promise.reject(this.error);
  }

  toString(): string {
    return this.spec;
  }
}
