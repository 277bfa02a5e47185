/** The systematic Reed–Solomon codec: argument checks and decode matrices here, byte work in a kernel. */
import type { ReedSolomon } from "./index.js";
import type { Kernel } from "./kernel.js";
import { Lru } from "./lru.js";
import { cauchyMatrix, encodingMatrix, invert, type Matrix, multiply, selectRows } from "./matrix.js";

/** Erasure patterns whose decode matrices are kept; a stripe read usually sees the same few again and again. */
const DECODERS_KEPT = 64;

export class Codec implements ReedSolomon {
  readonly #kernel: Kernel;
  readonly #encoding: Matrix;
  readonly #parity: Matrix;
  readonly #decoders = new Lru<string, Matrix>(DECODERS_KEPT);

  constructor(
    readonly dataShards: number,
    readonly parityShards: number,
    kernel: Kernel,
  ) {
    this.#kernel = kernel;
    this.#encoding = encodingMatrix(dataShards, parityShards);
    this.#parity = cauchyMatrix(dataShards, parityShards);
  }

  encode(data: readonly Uint8Array[], parity: readonly Uint8Array[]): void {
    if (data.length !== this.dataShards)
      throw new RangeError(`expected ${this.dataShards} data shards, got ${data.length}`);
    if (parity.length !== this.parityShards) {
      throw new RangeError(`expected ${this.parityShards} parity shards, got ${parity.length}`);
    }
    sameLength([...data, ...parity]);
    if (this.parityShards > 0) this.#kernel.mulMatrix(this.#parity, data, parity);
  }

  reconstruct(shards: readonly (Uint8Array | undefined)[], options: { dataOnly?: boolean } = {}): Uint8Array[] {
    const k = this.dataShards;
    const n = k + this.parityShards;
    if (shards.length !== n) throw new RangeError(`expected ${n} shard entries, got ${shards.length}`);
    const present: number[] = [];
    const targets: number[] = [];
    shards.forEach((s, i) => {
      if (s) present.push(i);
      else if (i < k || !options.dataOnly) targets.push(i);
    });
    if (present.length < k) throw new RangeError(`need ${k} shards to reconstruct, got ${present.length}`);
    const length = sameLength(present.map((i) => shards[i] as Uint8Array));
    const out = shards.slice() as Uint8Array[];
    if (targets.length === 0) return out;
    // The lowest indices first: data shards are identity rows, so the fewer parity rows chosen, the sparser the inverse.
    const inputs = present.slice(0, k);
    const coefficients = this.#decoder(inputs, targets);
    const rebuilt = targets.map(() => new Uint8Array(length));
    this.#kernel.mulMatrix(
      coefficients,
      inputs.map((i) => shards[i] as Uint8Array),
      rebuilt,
    );
    targets.forEach((t, i) => {
      out[t] = rebuilt[i] as Uint8Array;
    });
    return out;
  }

  /**
   * The matrix that maps the shards at `inputs` to those at `targets`. Data = inverse·inputs, where inverse
   * undoes the encoding rows of the inputs; any shard t is then encoding row t times the data.
   */
  #decoder(inputs: readonly number[], targets: readonly number[]): Matrix {
    const key = `${inputs.join(",")}>${targets.join(",")}`;
    let decoder = this.#decoders.get(key);
    if (!decoder) {
      const inverse = invert(selectRows(this.#encoding, inputs));
      decoder = multiply(selectRows(this.#encoding, targets), inverse);
      this.#decoders.set(key, decoder);
    }
    return decoder;
  }
}

/** The common length of `shards`; a RangeError if they differ. */
function sameLength(shards: readonly Uint8Array[]): number {
  const length = shards[0]?.length ?? 0;
  for (const s of shards) {
    if (s.length !== length) throw new RangeError(`shards differ in length: ${s.length} and ${length}`);
  }
  return length;
}
