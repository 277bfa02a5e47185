/**
 * PROPFIND requests and their multistatus answers, as plain data: no Fs, no network.
 */
import { parseXML } from "webdav";
import type { HashType } from "../../fs/hashes.js";
import { decodeUrlPath, hrefPath } from "./paths.js";

/**
 * An empty body asks for every live property (RFC 4918 allprop), which servers answer in a single
 * propstat; naming properties a collection lacks (getcontentlength) makes some answer a second, 404 one.
 */
export const ALLPROP = "";

/** The properties ownCloud and Nextcloud answer, checksums included (rclone asks the same). */
export const OWNCLOUD_PROPS = `<?xml version="1.0"?>
<d:propfind xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
 <d:prop>
  <d:getlastmodified/>
  <d:getcontentlength/>
  <d:resourcetype/>
  <oc:checksums/>
 </d:prop>
</d:propfind>
`;

/** One resource of a multistatus answer. */
export interface DavItem {
  /** The decoded path of the href, without a trailing `/`. */
  path: string;
  isDir: boolean;
  size: number;
  modTime: Date;
  /** Lower-case hex digests from `oc:checksums`. */
  hashes: Map<HashType, string>;
}

type Props = Record<string, unknown>;

/** Parses a 207 answer; resources whose properties were refused (status other than 2xx) are left out. */
export async function parseMultistatus(xml: string): Promise<DavItem[]> {
  const result = await parseXML(xml);
  const items: DavItem[] = [];
  for (const response of result.multistatus.response) {
    const r = response as unknown as { href: unknown; propstat?: { prop?: Props; status?: string } };
    const status = r.propstat?.status ?? "";
    if (!/^HTTP\/\S+ 2\d\d/.test(status)) continue;
    const props = r.propstat?.prop ?? {};
    const href = hrefPath(String(r.href));
    const path = decodeUrlPath(href).replace(/\/+$/, "");
    const type = props.resourcetype;
    const isDir = typeof type === "object" && type !== null && "collection" in type;
    const modified = Date.parse(String(props.getlastmodified ?? ""));
    items.push({
      path,
      isDir,
      size: isDir ? 0 : Number(props.getcontentlength ?? 0),
      modTime: new Date(Number.isNaN(modified) ? 0 : modified),
      hashes: checksums(props.checksums),
    });
  }
  return items;
}

/** ownCloud's `<oc:checksums><oc:checksum>SHA1:… MD5:… ADLER32:…</oc:checksum></oc:checksums>`. */
function checksums(prop: unknown): Map<HashType, string> {
  const out = new Map<HashType, string>();
  const text = typeof prop === "object" && prop !== null ? String((prop as Props).checksum ?? "") : "";
  for (const part of text.split(/\s+/)) {
    const m = /^(SHA1|MD5):([0-9a-fA-F]+)$/.exec(part);
    if (m) out.set(m[1] === "SHA1" ? "sha1" : "md5", (m[2] as string).toLowerCase());
  }
  return out;
}
