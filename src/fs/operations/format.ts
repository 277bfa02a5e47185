/**
 * Numbers as rclone prints them: binary size suffixes (`1.500Ki`, `1.500 KiB`), decimal count suffixes
 * (`1.234k`), and the fixed-width fields of its listings. Rounding follows Go's `%.Nf` (ties to even on
 * exactly representable halves) so outputs match rclone digit for digit.
 */
import { formatSize } from "../units.js";

/**
 * Formats `x` with `digits` decimals as Go's `%.Nf` does: exact ties round to even, where JavaScript's
 * `toFixed` rounds them up (Go prints 1.0625 as `1.062`, JavaScript as `1.063`).
 */
export function goFixed(x: number, digits: number): string {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e21) return x.toFixed(digits);
  // 60 decimals hold every fraction bit of a double below 2^53 exactly, so a tie is visible as `5000…`.
  const exact = Math.abs(x).toFixed(60);
  const dot = exact.indexOf(".");
  const kept = exact.slice(0, dot) + exact.slice(dot + 1, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  let n = BigInt(kept);
  const first = rest.charCodeAt(0) - 48;
  const tail = /[1-9]/.test(rest.slice(1));
  if (first > 5 || (first === 5 && (tail || n % 2n === 1n))) n += 1n;
  let s = n.toString().padStart(digits + 1, "0");
  if (digits > 0) s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return (x < 0 && /[1-9]/.test(s) ? "-" : "") + s;
}

/** rclone's `SizeSuffix` string: `0`, `512`, `1.500Ki`, `20Mi`; negative sizes are `off`. */
export function sizeSuffix(bytes: number): string {
  return formatSize(bytes);
}

/** rclone's `SizeSuffix.ByteUnit()`: `5 B`, `1.500 KiB`, `251.972 GiB` (`off` for negative sizes). */
export function byteUnit(bytes: number): string {
  const s = formatSize(bytes);
  if (s === "off") return s;
  const m = /^([0-9.]+)(.*)$/.exec(s) as RegExpExecArray;
  return `${m[1]} ${m[2]}B`;
}

const COUNT_UNITS = ["", "k", "M", "G", "T", "P", "E"];

/** rclone's `CountSuffix` string: decimal multiples, `999`, `1.234k`, `2M`; negative counts are `off`. */
export function countSuffix(count: number): string {
  if (count < 0) return "off";
  if (count === 0) return "0";
  let i = 0;
  let divisor = 1;
  while (i < COUNT_UNITS.length - 1 && count >= divisor * 1000) {
    divisor *= 1000;
    i++;
  }
  const scaled = count / divisor;
  return `${Number.isInteger(scaled) ? scaled.toFixed(0) : goFixed(scaled, 3)}${COUNT_UNITS[i]}`;
}

/** A size for a listing: raw bytes, or with `--human-readable` the suffixed form (`-` before negatives). */
export function sizeString(size: number, humanReadable: boolean): string {
  if (!humanReadable) return String(size);
  return size < 0 ? `-${sizeSuffix(-size)}` : sizeSuffix(size);
}

/** A count for a listing: raw, or with `--human-readable` the decimal-suffixed form. */
export function countString(count: number, humanReadable: boolean): string {
  if (!humanReadable) return String(count);
  return count < 0 ? `-${countSuffix(-count)}` : countSuffix(count);
}

/** `sizeString` right-aligned: `rawWidth` columns for raw numbers, 9 for human-readable ones. */
export function sizeField(size: number, humanReadable: boolean, rawWidth: number): string {
  return sizeString(size, humanReadable).padStart(humanReadable ? 9 : rawWidth);
}

/** `countString` right-aligned: `rawWidth` columns for raw numbers, 8 for human-readable ones. */
export function countField(count: number, humanReadable: boolean, rawWidth: number): string {
  return countString(count, humanReadable).padStart(humanReadable ? 8 : rawWidth);
}
