/** HTTP `Range` requests of one byte range (RFC 9110 §14), the only kind clients send for files. */

/** What a `Range` header asks of a file of a known size. */
export type RangeAnswer =
  /** No header, or one this server ignores (several ranges, another unit): send the whole file. */
  | { kind: "whole" }
  /** Send `length` bytes from `offset` with 206. */
  | { kind: "partial"; offset: number; length: number }
  /** Nothing of the file lies in the range: 416. */
  | { kind: "unsatisfiable" };

/**
 * Resolves `bytes=a-b`, `bytes=a-` and `bytes=-n` against `size`. A malformed header or a list of
 * ranges is answered with the whole file, as RFC 9110 allows a server to.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header ?? "");
  if (!m || (m[1] === "" && m[2] === "")) return { kind: "whole" };
  let first: number;
  let last: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return { kind: "unsatisfiable" };
    first = Math.max(0, size - suffix);
    last = size - 1;
  } else {
    first = Number(m[1]);
    last = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== "" && Number(m[2]) < first) return { kind: "whole" };
  }
  if (first >= size) return { kind: "unsatisfiable" };
  return { kind: "partial", offset: first, length: last - first + 1 };
}
