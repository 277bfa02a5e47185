/** The properties PROPFIND answers for a file or directory, computed from its `Entry`. */
import { mimeTypeOf } from "../../fs/mime.js";
import { baseName } from "../../fs/path.js";
import type { Entry, Fs } from "../../fs/types.js";
import { urlPathOf } from "../request-path.js";
import { etagOf } from "../send-file.js";
import type { LockTable } from "./locks.js";
import { escapeXml, lockDiscoveryXml, SUPPORTED_LOCK } from "./multistatus.js";
import type { PropfindRequest } from "./request-xml.js";

/** The properties `allprop` answers (RFC 4918's live properties this server keeps). */
const ALLPROP = [
  "displayname",
  "getcontentlength",
  "getlastmodified",
  "resourcetype",
  "getetag",
  "getcontenttype",
  "supportedlock",
  "lockdiscovery",
] as const;

/** ownCloud's `checksums`, as `SHA1:… MD5:…`, from the hashes the remote keeps without reading the file. */
async function checksums(fs: Fs, entry: Entry, signal: AbortSignal): Promise<string | undefined> {
  if (entry.kind !== "file" || fs.features.slowHash) return undefined;
  const parts: string[] = [];
  for (const type of ["sha1", "md5"] as const) {
    if (!fs.hashes.has(type)) continue;
    const digest = await entry.hash(type, { signal });
    if (digest) parts.push(`${type.toUpperCase()}:${digest}`);
  }
  return parts.length > 0 ? `<oc:checksums><oc:checksum>${parts.join(" ")}</oc:checksum></oc:checksums>` : undefined;
}

/** One property of `entry` as XML, or undefined when it has none by that name. */
async function property(
  name: string,
  fs: Fs,
  entry: Entry,
  locks: LockTable,
  signal: AbortSignal,
): Promise<string | undefined> {
  const file = entry.kind === "file" ? entry : undefined;
  switch (name) {
    case "displayname":
      return `<D:displayname>${escapeXml(baseName(entry.remote))}</D:displayname>`;
    case "getcontentlength":
      return file && file.size >= 0 ? `<D:getcontentlength>${file.size}</D:getcontentlength>` : undefined;
    case "getlastmodified":
      return `<D:getlastmodified>${entry.modTime.toUTCString()}</D:getlastmodified>`;
    case "resourcetype":
      return file ? "<D:resourcetype/>" : "<D:resourcetype><D:collection/></D:resourcetype>";
    case "getetag":
      return file ? `<D:getetag>${escapeXml(etagOf(file.size, file.modTime))}</D:getetag>` : undefined;
    case "getcontenttype":
      return file ? `<D:getcontenttype>${escapeXml(mimeTypeOf(baseName(file.remote)))}</D:getcontenttype>` : undefined;
    case "supportedlock":
      return SUPPORTED_LOCK;
    case "lockdiscovery":
      return lockDiscoveryXml(locks.on(entry.remote), (r) => urlPathOf(r, r === entry.remote && !file));
    case "checksums":
      return checksums(fs, entry, signal);
    default:
      return undefined;
  }
}

/**
 * The `<D:response>` parts of `entry` for `request`: the XML of the properties found, and the
 * names asked for that it lacks (answered 404). `propname` lists the names with empty values.
 */
export async function propertiesOf(
  request: PropfindRequest,
  fs: Fs,
  entry: Entry,
  locks: LockTable,
  signal: AbortSignal,
): Promise<{ found: string[]; missing: string[] }> {
  const names = request.kind === "prop" ? request.names : ALLPROP;
  const found: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const xml = await property(name, fs, entry, locks, signal);
    const empty = name === "checksums" ? "<oc:checksums/>" : `<D:${name}/>`;
    if (xml === undefined) missing.push(empty);
    else found.push(request.kind === "propname" ? empty : xml);
  }
  return { found, missing: request.kind === "prop" ? missing : [] };
}
