/**
 * Who may use a server: one user and password from the command line, or an Apache htpasswd file.
 * Every comparison takes the same time whether the user exists or how much of a password matches.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import apacheMd5 from "apache-md5";
import bcrypt from "bcryptjs";
import { FsError } from "../fs/errors.js";

/** Checks a user name and password; never rejects for a wrong one, only answers false. */
export interface Credentials {
  check(user: string, pass: string): Promise<boolean>;
}

/** Whether two secrets are equal, compared in constant time over their SHA-256 digests (so neither where they differ nor their lengths show). */
export function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The one user `--user`/`--pass` allow. */
export function userPassword(user: string, pass: string): Credentials {
  return {
    check: async (u, p) => {
      // Both compared always, so a wrong user answers as slowly as a wrong password.
      const userOk = sameSecret(u, user);
      const passOk = sameSecret(p, pass);
      return userOk && passOk;
    },
  };
}

type Verifier = (pass: string) => Promise<boolean>;

/** The verifier of one htpasswd hash, or undefined for a format strata does not take. */
function verifierOf(hash: string): Verifier | undefined {
  if (/^\$2[abxy]\$\d\d\$/.test(hash)) return (pass) => bcrypt.compare(pass, hash);
  if (hash.startsWith("$apr1$")) return async (pass) => sameSecret(apacheMd5(pass, hash), hash);
  if (hash.startsWith("{SHA}")) {
    return async (pass) => sameSecret(`{SHA}${createHash("sha1").update(pass, "utf8").digest("base64")}`, hash);
  }
  return undefined;
}

/**
 * Reads an htpasswd file (`user:hash` lines; blank lines and `#` comments skipped). Takes bcrypt
 * (`$2y$`, `htpasswd -B`), Apache MD5 (`$apr1$`, `htpasswd -m`) and SHA-1 (`{SHA}`, `htpasswd -s`)
 * entries. Throws `ConfigInvalid` naming the line for any other entry (crypt(3) DES, plain text),
 * rather than refusing that user at login with no reason given.
 */
export async function loadHtpasswd(path: string): Promise<Credentials> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new FsError("ConfigInvalid", `cannot read htpasswd file: ${(err as Error).message}`, { path, cause: err });
  }
  const users = new Map<string, Verifier>();
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const colon = line.indexOf(":");
    const verify = colon > 0 ? verifierOf(line.slice(colon + 1)) : undefined;
    if (!verify) {
      throw new FsError("ConfigInvalid", `htpasswd line ${i + 1}: want user:hash with a bcrypt, apr1 or SHA hash`, {
        path,
      });
    }
    users.set(line.slice(0, colon), verify);
  }
  // An unknown user is checked against a bcrypt hash too, so the answer takes as long as a real one.
  const decoy = bcrypt.hashSync("decoy", 4);
  return {
    check: async (user, pass) => {
      const verify = users.get(user);
      if (verify) return verify(pass);
      await bcrypt.compare(pass, decoy);
      return false;
    },
  };
}

/** The user and password of an `Authorization: Basic …` header, or undefined when there is none or it is malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, "base64").toString("utf8");
  const colon = text.indexOf(":");
  return colon < 0 ? undefined : { user: text.slice(0, colon), pass: text.slice(colon + 1) };
}
