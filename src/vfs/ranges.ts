/** A set of byte ranges: which parts of a sparse cache file hold valid data. */

/** Half-open `[start, end)`. */
export interface Span {
  start: number;
  end: number;
}

/** Sorted, disjoint, non-adjacent spans. */
export class Ranges {
  private spans: Span[] = [];

  /** Marks `[start, end)` present, merging with neighbours. */
  add(start: number, end: number): void {
    if (end <= start) return;
    const out: Span[] = [];
    let merged: Span = { start, end };
    for (const s of this.spans) {
      if (s.end < merged.start || s.start > merged.end) out.push(s);
      else merged = { start: Math.min(s.start, merged.start), end: Math.max(s.end, merged.end) };
    }
    out.push(merged);
    this.spans = out.sort((a, b) => a.start - b.start);
  }

  /** Forgets everything at or after `size` (a truncation). */
  clip(size: number): void {
    this.spans = this.spans.filter((s) => s.start < size).map((s) => ({ start: s.start, end: Math.min(s.end, size) }));
  }

  /** The parts of `[start, end)` not present, in order. */
  missing(start: number, end: number): Span[] {
    const gaps: Span[] = [];
    let at = start;
    for (const s of this.spans) {
      if (s.end <= at) continue;
      if (s.start >= end) break;
      if (s.start > at) gaps.push({ start: at, end: s.start });
      at = Math.max(at, s.end);
      if (at >= end) break;
    }
    if (at < end) gaps.push({ start: at, end });
    return gaps;
  }

  /** Bytes present. */
  get total(): number {
    return this.spans.reduce((n, s) => n + s.end - s.start, 0);
  }
}
