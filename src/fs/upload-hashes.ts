/**
 * The hashes an upload computes from the bytes it writes (a backend when the caller asks for them in
 * `PutOptions.hashes`, an overlay for what it keeps in metadata), in a worker for large bodies: a type
 * the caller already hashes in flight (`ObjectInfo.hashedInFlight`) is taken from it rather than
 * computed twice.
 */
import { type AsyncHasher, streamHasher } from "./hash-worker.js";
import type { HashType } from "./hashes.js";
import type { CallOptions, ObjectInfo } from "./types.js";

export class UploadHashes {
  private readonly hashers: (readonly [HashType, AsyncHasher])[];
  private readonly adopted: HashType[];

  /** Hashes of `wanted` types over the body of `src`. */
  constructor(
    wanted: readonly HashType[],
    private readonly src: ObjectInfo,
  ) {
    this.hashers = wanted.filter((t) => t !== src.hashedInFlight).map((t) => [t, streamHasher(t, src.size)] as const);
    this.adopted = wanted.filter((t) => t === src.hashedInFlight);
  }

  /** Whether any bytes need hashing here. */
  get computing(): boolean {
    return this.hashers.length > 0;
  }

  /** Feeds one written chunk to every hasher, waiting when a worker asks the producer to. */
  async update(part: Uint8Array): Promise<void> {
    for (const [, h] of this.hashers) await h.update(part);
  }

  /** Once the whole body has been written: every wanted type's digest (an adopted one the caller may lack). */
  async digests(options?: CallOptions): Promise<Map<HashType, string>> {
    const out = new Map<HashType, string>();
    for (const [t, h] of this.hashers) out.set(t, await h.digest());
    for (const t of this.adopted) {
      const digest = await this.src.hash?.(t, options);
      if (digest) out.set(t, digest);
    }
    return out;
  }

  /** After a failure: ends every hasher, so a worker goes back to its pool. */
  async release(): Promise<void> {
    await Promise.all(this.hashers.map(([, h]) => h.digest().catch(() => undefined)));
  }
}
