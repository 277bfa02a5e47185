/**
 * Layers for testing programs built on strata, kept out of the main entry: import them from
 * `"strata/testing"`. Each wraps any `Fs` transparently (same names, same bytes).
 *
 *   import { CountingFs, FaultFs } from "strata/testing";
 *   const flaky = new FaultFs(fs, { seed: 1, rules: [{ ops: ["put"], ratio: 0.5, fail: "transient" }] });
 */

export * from "./fs/layers/counting.js";
export * from "./fs/layers/fault.js";
export type { OpKind } from "./fs/layers/layer.js";
