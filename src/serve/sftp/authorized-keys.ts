/** An OpenSSH `authorized_keys` file: the public keys that may log in. */
import { timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { ParsedKey } from "ssh2";
import { FsError } from "../../fs/errors.js";
import { ssh2Module } from "./ssh2-module.js";

/** The keys of an authorized_keys file, checked against what a client offers. */
export interface AuthorizedKeys {
  /** The key whose public blob is `blob`, or undefined when it is not authorized. */
  find(blob: Buffer): ParsedKey | undefined;
}

/**
 * Reads `file`: one key a line (`type base64 [comment]`, possibly after options, which are ignored);
 * blank lines and `#` comments skipped, lines that hold no key skipped as sshd skips them.
 * Throws `ConfigInvalid` when the file cannot be read.
 */
export async function loadAuthorizedKeys(file: string): Promise<AuthorizedKeys> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new FsError("ConfigInvalid", `cannot read authorized keys: ${(err as Error).message}`, {
      path: file,
      cause: err,
    });
  }
  const keys: ParsedKey[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    // Options come before the key type; the key starts at its type name.
    const start = line.search(/(^|\s)(ssh-|ecdsa-|sk-)/);
    const parsed = start < 0 ? undefined : ssh2Module().utils.parseKey(line.slice(start).trim());
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key && !(key instanceof Error)) keys.push(key);
  }
  return {
    find: (blob) =>
      keys.find((k) => {
        const mine = k.getPublicSSH();
        return mine.length === blob.length && timingSafeEqual(mine, blob);
      }),
  };
}
