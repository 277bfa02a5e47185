/** Writing WebDAV's XML answers: multistatus (PROPFIND, PROPPATCH) and lock discovery (LOCK). */
import { escapeHtml } from "../http/listing.js";
import type { Lock } from "./locks.js";

/** ownCloud's namespace, where rclone's webdav backend looks for `checksums`. */
export const OC_NS = "http://owncloud.org/ns";

/** Text made safe inside an XML element (the HTML escaping is XML-safe too). */
export const escapeXml = escapeHtml;

/** One `<D:propstat>`: the property elements given (already XML) under one status. */
function propstat(props: readonly string[], status: string): string {
  return `<D:propstat><D:prop>${props.join("")}</D:prop><D:status>HTTP/1.1 ${status}</D:status></D:propstat>`;
}

/** One `<D:response>`: found properties under 200, the names not found under 404. */
export function responseXml(href: string, found: readonly string[], missing: readonly string[] = []): string {
  const blocks = [
    found.length > 0 || missing.length === 0 ? propstat(found, "200 OK") : "",
    missing.length > 0 ? propstat(missing, "404 Not Found") : "",
  ];
  return `<D:response><D:href>${escapeXml(href)}</D:href>${blocks.join("")}</D:response>`;
}

/** One `<D:response>` with each property name under its own status (PROPPATCH). */
export function statusResponseXml(href: string, statuses: ReadonlyMap<string, string>): string {
  const blocks = [...statuses].map(([name, status]) => propstat([`<D:${name}/>`], status));
  return `<D:response><D:href>${escapeXml(href)}</D:href>${blocks.join("")}</D:response>`;
}

/** The 207 document around `responses`. */
export function multistatusXml(responses: readonly string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<D:multistatus xmlns:D="DAV:" xmlns:oc="${OC_NS}">${responses.join("")}</D:multistatus>\n`;
}

/** `<D:activelock>` of one lock, with the href of its root. */
export function activeLockXml(lock: Lock, rootHref: string): string {
  const owner = lock.owner === "" ? "" : `<D:owner><D:href>${escapeXml(lock.owner)}</D:href></D:owner>`;
  return (
    `<D:activelock><D:locktype><D:write/></D:locktype><D:lockscope><D:${lock.scope}/></D:lockscope>` +
    `<D:depth>${lock.infinite ? "infinity" : "0"}</D:depth>${owner}<D:timeout>Second-${lock.timeoutSeconds}</D:timeout>` +
    `<D:locktoken><D:href>${lock.token}</D:href></D:locktoken><D:lockroot><D:href>${escapeXml(rootHref)}</D:href></D:lockroot></D:activelock>`
  );
}

/** `<D:lockdiscovery>` listing `locks`. */
export function lockDiscoveryXml(locks: readonly Lock[], hrefOf: (remote: string) => string): string {
  return `<D:lockdiscovery>${locks.map((l) => activeLockXml(l, hrefOf(l.root))).join("")}</D:lockdiscovery>`;
}

/** What the server can lock: exclusive and shared write locks. */
export const SUPPORTED_LOCK =
  "<D:supportedlock>" +
  "<D:lockentry><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>" +
  "<D:lockentry><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockentry>" +
  "</D:supportedlock>";
