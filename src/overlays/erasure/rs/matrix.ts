/**
 * Byte matrices over GF(2^8): the code's encoding matrix and the inverses that decode it.
 * The encoding matrix is part of the stored erasure format; see docs/erasure-rs.md.
 */
import { inv, mul } from "./gf256.js";

/** A row-major matrix: element (r, c) at data[r·cols + c]. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Uint8Array;
}

export function matrix(rows: number, cols: number, data = new Uint8Array(rows * cols)): Matrix {
  return { rows, cols, data };
}

/**
 * The m×k Cauchy matrix C[i][j] = 1 / (x_i XOR y_j) with x_i = k + i and y_j = j: the parity rows of
 * the systematic code. The x's and y's are distinct field elements, so every square submatrix is
 * invertible, which is what makes identity-over-C MDS for every k + m ≤ 256.
 */
export function cauchyMatrix(k: number, m: number): Matrix {
  const c = matrix(m, k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < k; j++) c.data[i * k + j] = inv((k + i) ^ j);
  }
  return c;
}

/** The n×k encoding matrix (n = k + m): the k×k identity on top of `cauchyMatrix(k, m)`. */
export function encodingMatrix(k: number, m: number): Matrix {
  const e = matrix(k + m, k);
  for (let j = 0; j < k; j++) e.data[j * k + j] = 1;
  e.data.set(cauchyMatrix(k, m).data, k * k);
  return e;
}

/** The matrix made of the given rows of `a`, in that order. */
export function selectRows(a: Matrix, rows: readonly number[]): Matrix {
  const s = matrix(rows.length, a.cols);
  rows.forEach((r, i) => {
    s.data.set(a.data.subarray(r * a.cols, (r + 1) * a.cols), i * a.cols);
  });
  return s;
}

/** a·b. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new RangeError(`cannot multiply ${a.rows}×${a.cols} by ${b.rows}×${b.cols}`);
  const p = matrix(a.rows, b.cols);
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < b.cols; c++) {
      let sum = 0;
      for (let i = 0; i < a.cols; i++) sum ^= mul(a.data[r * a.cols + i], b.data[i * b.cols + c]);
      p.data[r * b.cols + c] = sum;
    }
  }
  return p;
}

/** The inverse of a square matrix by Gauss–Jordan elimination; a RangeError if it is singular. */
export function invert(a: Matrix): Matrix {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`cannot invert a ${a.rows}×${a.cols} matrix`);
  const w = Uint8Array.from(a.data);
  const out = matrix(n, n);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  const swap = (m: Uint8Array, r1: number, r2: number) => {
    const t = m.slice(r1 * n, (r1 + 1) * n);
    m.copyWithin(r1 * n, r2 * n, (r2 + 1) * n);
    m.set(t, r2 * n);
  };
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && w[pivot * n + col] === 0) pivot++;
    if (pivot === n) throw new RangeError("matrix is singular");
    if (pivot !== col) {
      swap(w, pivot, col);
      swap(out.data, pivot, col);
    }
    const scale = inv(w[col * n + col]);
    for (let c = 0; c < n; c++) {
      w[col * n + c] = mul(w[col * n + c], scale);
      out.data[col * n + c] = mul(out.data[col * n + c], scale);
    }
    for (let r = 0; r < n; r++) {
      const f = w[r * n + col];
      if (r === col || f === 0) continue;
      for (let c = 0; c < n; c++) {
        w[r * n + c] ^= mul(f, w[col * n + c]);
        out.data[r * n + c] ^= mul(f, out.data[col * n + c]);
      }
    }
  }
  return out;
}
