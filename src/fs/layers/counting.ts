/**
 * Counts operations and bytes per kind, so tests can prove what went over the wire
 * (e.g. that a copy was server-side: `copy` counted, no bytes read or written).
 */
import { tapBody } from "../body.js";
import type { Body } from "../types.js";
import { LayerFs, type OpKind } from "./layer.js";

export class CountingFs extends LayerFs {
  /** Operations started, per kind. */
  readonly ops = new Map<OpKind, number>();
  /** Bytes delivered by `open` bodies (as far as they were consumed). */
  bytesRead = 0;
  /** Bytes taken from `put` / `putStream` bodies. */
  bytesWritten = 0;

  count(kind: OpKind): number {
    return this.ops.get(kind) ?? 0;
  }

  reset(): void {
    this.ops.clear();
    this.bytesRead = 0;
    this.bytesWritten = 0;
  }

  protected override call<T>(kind: OpKind, _remote: string, run: () => Promise<T>): Promise<T> {
    this.ops.set(kind, this.count(kind) + 1);
    return run();
  }
  protected override wrapRead(_remote: string, body: Body): Body {
    return tapBody(body, (part) => {
      this.bytesRead += part.length;
    });
  }
  protected override wrapWrite(_remote: string, body: Body): Body {
    return tapBody(body, (part) => {
      this.bytesWritten += part.length;
    });
  }
}
