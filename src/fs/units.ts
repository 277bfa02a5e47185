/** Sizes and durations, parsed with rclone's meanings. */
import { FsError } from "./errors.js";

const BINARY: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 };

/**
 * Parses a size as rclone does: a bare number is KiB; `b`/`B` bytes; `K`, `M`, `G`, `T`, `P`, `E`
 * (optionally followed by `i` or `iB`) are powers of 1024; fractions allowed; `off` is -1.
 * Throws `Usage` on anything else.
 */
export function parseSize(text: string): number {
  const s = text.trim();
  if (s.toLowerCase() === "off") return -1;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([bBkKmMgGtTpPeE]?)(i[bB]?|I)?$/.exec(s);
  if (!m || (m[3] && !m[2]) || (m[2]?.toLowerCase() === "b" && m[3])) throw new FsError("Usage", `bad size "${text}"`);
  const unit = (m[2] ?? "").toLowerCase();
  const multiplier = unit === "" ? 1024 : unit === "b" ? 1 : (BINARY[unit] as number);
  // Go converts the float to int64 by truncation: rclone reads "1.1M" as 1153433, not 1153434.
  return Math.trunc(Number(m[1]) * multiplier);
}

const SIZE_UNITS = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/** Formats bytes as rclone's human-readable sizes: `1.500Ki`, `20Mi`, `512`. */
export function formatSize(bytes: number): string {
  if (bytes < 0) return "off";
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < SIZE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 || Number.isInteger(v) ? 0 : 3;
  let text = v.toFixed(digits);
  // Go's %.3f breaks exact ties to even where toFixed rounds up: rclone prints 1088 bytes as 1.062Ki.
  if (digits === 3 && Number.isSafeInteger(bytes)) {
    const scaled = BigInt(bytes) * 1000n;
    const unit = 1n << BigInt(10 * i);
    const q = scaled / unit;
    if (2n * (scaled % unit) === unit && q % 2n === 0n) text = (Number(q) / 1000).toFixed(3);
  }
  return `${text}${SIZE_UNITS[i]}`;
}

const DURATION_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * Parses a duration as rclone does: Go syntax (`1h30m`, `1.5s`, `300ms`) plus `d`, `w`, `M` (30 days),
 * `y` (365 days); a bare number is seconds; `off` is infinite. Returns milliseconds.
 */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === "off") return Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w|M|y)/gy;
  let total = 0;
  let at = 0;
  const sign = s.startsWith("-") ? -1 : 1;
  const signLength = /^[-+]/.test(s) ? 1 : 0;
  re.lastIndex = signLength;
  at = re.lastIndex;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (DURATION_MS[m[2] as string] as number);
    at = re.lastIndex;
  }
  if (at !== s.length || at === signLength) throw new FsError("Usage", `bad duration "${text}"`);
  return sign * total;
}

/** Bytes as rclone prints them in stats and `size`: `5 B`, `1.500 KiB`, `20 MiB`. */
export function formatBytes(bytes: number): string {
  const s = formatSize(Math.max(0, Math.round(bytes)));
  const unit = /[KMGTPE]i$/.exec(s)?.[0] ?? "";
  return `${s.slice(0, s.length - unit.length)} ${unit}B`;
}

/** A duration as Go prints it, to a tenth of a second: `0.0s`, `12.3s`, `1m2.5s`, `2h0m1.0s`. */
export function formatDuration(ms: number): string {
  const tenths = Math.floor(ms / 100);
  const h = Math.floor(tenths / 36000);
  const m = Math.floor((tenths % 36000) / 600);
  const s = ((tenths % 600) / 10).toFixed(1);
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}
