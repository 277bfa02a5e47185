/**
 * The user metadata strata and rclone keep on S3 objects: `mtime` (the modtime as decimal seconds since
 * the epoch, "1354040105.123456789", trailing zeros dropped) and `md5chksum` (the base64 MD5 of the
 * content, for multipart objects whose ETag is not an MD5). Pure functions, no SDK import.
 */

export const META_MTIME = "mtime";
export const META_MD5 = "md5chksum";

/** The `mtime` value for a modtime, as rclone writes it. */
export function formatMtime(t: Date): string {
  const ms = t.getTime();
  const seconds = Math.floor(ms / 1000);
  const fraction = String(ms - seconds * 1000)
    .padStart(3, "0")
    .replace(/0+$/, "");
  return fraction === "" ? String(seconds) : `${seconds}.${fraction}`;
}

/** The modtime of an `mtime` value (nanoseconds are cut to milliseconds); undefined if malformed. */
export function parseMtime(value: string | undefined): Date | undefined {
  const m = value?.match(/^(-?\d+)(?:\.(\d*))?$/);
  if (!m) return undefined;
  const seconds = Number(m[1]);
  const ms = Number((m[2] ?? "").slice(0, 3).padEnd(3, "0"));
  const t = new Date(seconds * 1000 + (seconds < 0 ? -ms : ms));
  return Number.isNaN(t.getTime()) ? undefined : t;
}

/** The MD5 of an object as lower-case hex: its ETag when that is a plain MD5, else `md5chksum`. */
export function md5Of(etag: string | undefined, metadata: Record<string, string> | undefined): string | undefined {
  const plain = etag?.replace(/"/g, "").toLowerCase();
  if (plain && /^[0-9a-f]{32}$/.test(plain)) return plain;
  const stored = metadata?.[META_MD5];
  if (!stored) return undefined;
  const hex = Buffer.from(stored, "base64").toString("hex");
  return hex.length === 32 ? hex : undefined;
}

/** A hex MD5 as `md5chksum` stores it. */
export const md5Base64 = (hex: string) => Buffer.from(hex, "hex").toString("base64");

/**
 * The metadata for a server-side copy of an object of `size` bytes whose MD5 is `md5`: a copy at or
 * above `copyCutoff` is multipart, and its ETag is no MD5, so the MD5 goes into `md5chksum` as for a
 * multipart upload.
 */
export function copyMetadata(
  metadata: Record<string, string>,
  md5: string | undefined,
  size: number,
  copyCutoff: number,
): Record<string, string> {
  const out = { ...metadata };
  if (md5 && size >= copyCutoff) out[META_MD5] = md5Base64(md5);
  return out;
}
