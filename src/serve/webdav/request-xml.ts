/**
 * The XML bodies WebDAV clients send (PROPFIND, PROPPATCH, LOCK), read with fast-xml-parser.
 * Namespace prefixes are dropped and elements matched by local name: clients put DAV: properties
 * under any prefix, and no property this server answers shares a local name across namespaces.
 */
import { XMLParser } from "fast-xml-parser";
import { FsError } from "../../fs/errors.js";

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  // Every element as an array, so one child and several look alike.
  isArray: () => true,
});

type Node = Record<string, unknown>;

function parse(xml: string): Node {
  try {
    return parser.parse(xml, true) as Node;
  } catch (err) {
    throw new FsError("Usage", `malformed XML body: ${(err as Error).message}`, { cause: err });
  }
}

/** The first child element `name` of `node`: an object, or its text (`""` when empty); undefined if absent. */
function first(node: unknown, name: string): unknown {
  const list = typeof node === "object" && node !== null ? (node as Node)[name] : undefined;
  return Array.isArray(list) ? list[0] : undefined;
}

/** The first child element `name` of `node` holding elements (an empty element counts, as `{}`). */
function child(node: unknown, name: string): Node | undefined {
  const found = first(node, name);
  if (found === undefined) return undefined;
  return typeof found === "object" && found !== null ? (found as Node) : {};
}

/** What a PROPFIND asks: every property (an empty body or `allprop`), names only, or the properties named. */
export type PropfindRequest = { kind: "allprop" } | { kind: "propname" } | { kind: "prop"; names: string[] };

/** Reads a PROPFIND body. Throws `Usage` (400) for XML that does not parse. */
export function parsePropfind(xml: string): PropfindRequest {
  if (xml.trim() === "") return { kind: "allprop" };
  const propfind = child(parse(xml), "propfind");
  if (!propfind) throw new FsError("Usage", "PROPFIND body without a propfind element");
  if (child(propfind, "propname")) return { kind: "propname" };
  const prop = child(propfind, "prop");
  if (prop) return { kind: "prop", names: Object.keys(prop) };
  return { kind: "allprop" };
}

/** The properties a PROPPATCH sets (local name → text) and removes. Throws `Usage` for bad XML. */
export function parseProppatch(xml: string): { set: Map<string, string>; remove: string[] } {
  const update = child(parse(xml), "propertyupdate");
  if (!update) throw new FsError("Usage", "PROPPATCH body without a propertyupdate element");
  const set = new Map<string, string>();
  for (const s of (update.set as Node[] | undefined) ?? []) {
    for (const name of Object.keys(child(s, "prop") ?? {})) {
      const value = first(child(s, "prop"), name);
      set.set(name, typeof value === "string" ? value : "");
    }
  }
  const remove = ((update.remove as Node[] | undefined) ?? []).flatMap((r) => Object.keys(child(r, "prop") ?? {}));
  return { set, remove };
}

/** What a LOCK body asks: the scope, and the owner as text (an href or a name). */
export interface LockRequest {
  scope: "exclusive" | "shared";
  owner: string;
}

/** Reads a LOCK body; undefined for an empty one (a refresh). Throws `Usage` for bad XML. */
export function parseLockinfo(xml: string): LockRequest | undefined {
  if (xml.trim() === "") return undefined;
  const info = child(parse(xml), "lockinfo");
  if (!info) throw new FsError("Usage", "LOCK body without a lockinfo element");
  const scope = child(info, "lockscope");
  const owner = first(info, "owner");
  const href = first(owner, "href");
  const ownerText = typeof owner === "string" ? owner : typeof href === "string" ? href : "";
  return { scope: child(scope, "shared") ? "shared" : "exclusive", owner: ownerText };
}
