/**
 * What each `vendor` value changes, after rclone's webdav backend: whether the server keeps a modtime
 * sent with `X-OC-Mtime` (and so the precision), whether PROPPATCH can set one, which hashes it keeps
 * in `oc:checksums`, and whether it takes uploads of unknown length.
 */
import type { HashType } from "../../fs/hashes.js";
import { MODTIME_NOT_SUPPORTED } from "../../fs/types.js";

export const VENDORS = ["other", "nextcloud", "owncloud", "sharepoint", "sharepoint-ntlm", "rclone"] as const;
export type Vendor = (typeof VENDORS)[number];

export interface Quirks {
  /** Modtime precision in nanoseconds, or MODTIME_NOT_SUPPORTED. */
  precision: number;
  /** Send the source's modtime (whole seconds) in `X-OC-Mtime` on PUT, COPY and MOVE. */
  ocMtime: boolean;
  /** Set modtimes by PROPPATCH of `DAV:lastmodified` (ownCloud and Nextcloud). */
  propsetMtime: boolean;
  /** Hashes the server stores and lists in `oc:checksums`. */
  hashes: readonly HashType[];
  /** Uploads of unknown size (chunked transfer encoding) are accepted. */
  canStream: boolean;
}

const SECOND = 1_000_000_000;

/**
 * The quirks of a vendor. A plain WebDAV server (`other`, and the SharePoint ones here) sets
 * getlastmodified to the upload time, so it keeps no modtimes and has no hashes.
 */
export function quirksOf(vendor: Vendor): Quirks {
  switch (vendor) {
    case "owncloud":
      return { precision: SECOND, ocMtime: true, propsetMtime: true, hashes: ["md5", "sha1"], canStream: true };
    case "nextcloud":
      return { precision: SECOND, ocMtime: true, propsetMtime: true, hashes: ["sha1"], canStream: false };
    case "rclone":
      return { precision: SECOND, ocMtime: true, propsetMtime: false, hashes: [], canStream: true };
    default:
      return { precision: MODTIME_NOT_SUPPORTED, ocMtime: false, propsetMtime: false, hashes: [], canStream: false };
  }
}
