/**
 * A simulated kill -9 for commit tests: every remote below an overlay is wrapped in a `CrashFs`
 * sharing one `CrashPoint`; the Nth mutating call (put, remove, move, …) across all of them never
 * reaches storage, and neither does anything after it. What storage holds then is what a process
 * killed at that instant leaves behind, so a test can walk N over every step of a commit.
 */
import { createHash } from "node:crypto";
import { toBytes } from "../../src/fs/body.js";
import type { FsError } from "../../src/fs/errors.js";
import { LayerFs, type OpKind } from "../../src/fs/layers/layer.js";
import type { Body, Fs } from "../../src/fs/types.js";

const MUTATING: ReadonlySet<OpKind> = new Set([
  "put",
  "putStream",
  "remove",
  "setModTime",
  "copy",
  "move",
  "dirMove",
  "purge",
  "mkdir",
  "rmdir",
  "cleanUp",
]);

/** The moment of the crash: before the `at`th mutating call (1-based) of any layer sharing it. */
export class CrashPoint {
  /** Mutating calls seen so far, the blocked one included. */
  mutations = 0;
  crashed = false;
  /** The calls that reached storage, as `kind remote`, for failure messages. */
  readonly done: string[] = [];

  constructor(readonly at: number) {}

  /** Counts a call; true when it (and everything after it) must not run. */
  blocks(kind: OpKind): boolean {
    if (this.crashed) return true;
    if (!MUTATING.has(kind)) return false;
    this.mutations++;
    if (this.mutations >= this.at) this.crashed = true;
    return this.crashed;
  }
}

const killed = (remote: string) => new Error(`process killed before this call (${remote})`);

/** A remote that stops taking calls at its `CrashPoint`. Server-side calls see through it. */
export class CrashFs extends LayerFs {
  constructor(
    inner: Fs,
    readonly point: CrashPoint,
  ) {
    super(inner);
  }

  protected override call<T>(kind: OpKind, remote: string, run: () => Promise<T>): Promise<T> {
    if (this.point.blocks(kind)) return Promise.reject(killed(remote));
    if (MUTATING.has(kind)) this.point.done.push(`${kind} ${remote}`);
    return run();
  }

  /** A write still streaming at the crash stops there: its object is never completed. */
  protected override wrapWrite(remote: string, body: Body): Body {
    const point = this.point;
    return (async function* () {
      for await (const part of body) {
        if (point.crashed) throw killed(remote);
        yield part;
      }
      if (point.crashed) throw killed(remote);
    })();
  }
}

/** True for the errors a reader may give instead of content: typed ones, never raw Node errors. */
export function isTypedReadError(err: unknown): err is FsError {
  return err instanceof Error && err.name === "FsError";
}

const digest = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/**
 * What a fresh reader makes of `remote` on `fs` after a kill: "old" (`v1`), "new" (`v2`), "error
 * <code>" for a typed error, else "OTHER BYTES" or "RAW ERROR …", which no test may accept.
 */
export async function readVersion(fs: Fs, remote: string, v1: Uint8Array, v2: Uint8Array): Promise<string> {
  try {
    const got = digest(await toBytes(await (await fs.newObject(remote)).open()));
    if (got === digest(v1)) return "old";
    if (got === digest(v2)) return "new";
    return "OTHER BYTES";
  } catch (err) {
    if (isTypedReadError(err)) return `error ${err.code}`;
    return `RAW ERROR ${(err as Error).message}`;
  }
}
