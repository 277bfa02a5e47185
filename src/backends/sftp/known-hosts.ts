/**
 * OpenSSH known_hosts matching: plain and hashed (`|1|salt|hash`) host patterns, `[host]:port` for
 * ports other than 22, `*`/`?` wildcards, `!` negation and `@revoked` keys. `@cert-authority` lines
 * are ignored (ssh2 does not hand over certificates).
 */
import { createHmac } from "node:crypto";

/** The name ssh writes for a host: `host`, or `[host]:port` when the port is not 22. */
function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
    "i",
  );
  return re.test(name);
}

/** True when a comma-separated host list names `name` (and no `!` pattern excludes it). */
function hostsMatch(list: string, name: string): boolean {
  let matched = false;
  for (const pattern of list.split(",")) {
    if (pattern.startsWith("!")) {
      if (patternMatches(pattern.slice(1), name)) return false;
    } else if (patternMatches(pattern, name)) matched = true;
  }
  return matched;
}

/**
 * True when `text` (a known_hosts file) lists `key` (the server's public key blob, as sent in the
 * key exchange) for `host`:`port`, and does not revoke it.
 */
export function hostKeyKnown(text: string, host: string, port: number, key: Buffer): boolean {
  const name = hostEntryName(host, port);
  const blob = key.toString("base64");
  let known = false;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith("@") ? fields.shift() : undefined;
    const [hosts, , keyData] = fields;
    if (!hosts || !keyData || keyData !== blob) continue;
    if (marker === "@revoked") return false;
    if (marker === undefined && hostsMatch(hosts, name)) known = true;
  }
  return known;
}
