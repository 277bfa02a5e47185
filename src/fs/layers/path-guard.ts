/**
 * Cleans every path before the wrapped Fs sees it (see `cleanRemote`): `newFs` puts this on top of
 * every remote it builds, so no backend or overlay is handed `..`, an absolute path or a NUL byte.
 * It is also where errors get their context: an `FsError` leaving any operation here, or a body
 * read through it, carries `op`, `fs` and `path` (see `withContext`), so backends need not add them;
 * and where a format module's `FormatError` becomes `Corrupt` (see `corruptFromFormat`).
 */
import { corruptFromFormat, withContext } from "../errors.js";
import { cleanRemote } from "../path.js";
import type { Body, OpenOptions } from "../types.js";
import { LayerFs, type OpKind } from "./layer.js";

export class PathGuardFs extends LayerFs {
  protected override path(remote: string, kind: OpKind): string {
    try {
      return cleanRemote(remote);
    } catch (err) {
      throw this.context(err, kind, remote);
    }
  }

  protected override async call<T>(kind: OpKind, remote: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw this.context(err, kind, remote);
    }
  }

  // Reading a body is part of `open`: a failure half-way through is reported as one. Not a
  // generator: closing a body never read must still close the one below (a generator not yet
  // started would finish without touching it, leaving a file or connection open).
  protected override wrapRead(remote: string, body: Body, _options?: OpenOptions): Body {
    const context = (err: unknown) => this.context(err, "open", remote);
    return {
      [Symbol.asyncIterator]() {
        const below = body[Symbol.asyncIterator]();
        return {
          async next() {
            try {
              return await below.next();
            } catch (err) {
              throw context(err);
            }
          },
          async return(value?: unknown) {
            return (await below.return?.(value)) ?? { done: true, value: undefined };
          },
        };
      },
    };
  }

  private context(err: unknown, op: OpKind, path: string): unknown {
    return withContext(corruptFromFormat(err, path), { op, path, fs: this.toString() });
  }
}
