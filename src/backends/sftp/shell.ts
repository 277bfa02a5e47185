/**
 * Remote commands over the SSH exec channel: detecting a Unix shell and the hash commands it has,
 * and reading a file's hash with them, as rclone's sftp backend does.
 */
import { FsError } from "../../fs/errors.js";
import type { HashType } from "../../fs/hashes.js";
import type { Connection } from "./connection.js";

/**
 * Quotes `s` for a POSIX shell the way rclone does: a backslash before every character outside a
 * safe set, and a newline inside single quotes (a backslash before it would join the lines).
 * rclone serve sftp, which parses commands itself, understands backslashes but not quotes.
 */
export function shellQuote(s: string): string {
  return s.replace(/[^A-Za-z0-9_.,:/@\u0080-\uFFFF\n-]/g, "\\$&").replaceAll("\n", "'\n'");
}

/** Digests of empty input, which detection compares a candidate command's output against. */
const EMPTY: Record<"md5" | "sha1", string> = {
  md5: "d41d8cd98f00b204e9800998ecf8427e",
  sha1: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
};

/** Commands tried in order: GNU coreutils, then the BSD tools with GNU-style output. */
const CANDIDATES: Record<"md5" | "sha1", string[]> = {
  md5: ["md5sum", "md5 -r"],
  sha1: ["sha1sum", "sha1 -r"],
};

/**
 * "unix" when the server runs commands, else "none". Any server that echoes is taken for a Unix
 * shell: the hash commands are checked on their own before they are used.
 */
export async function detectShell(conn: Connection): Promise<"unix" | "none"> {
  const r = await conn.exec("echo strata").catch(() => undefined);
  return r?.code === 0 && r.stdout.trim() === "strata" ? "unix" : "none";
}

/** The first candidate command that hashes empty input correctly, or undefined. */
export async function detectHashCommand(conn: Connection, type: "md5" | "sha1"): Promise<string | undefined> {
  for (const command of CANDIDATES[type]) {
    // Without arguments the tools hash their (empty) stdin.
    const r = await conn.exec(command).catch(() => undefined);
    if (r?.code === 0 && parseDigest(r.stdout, type) === EMPTY[type]) return command;
  }
  return undefined;
}

const DIGEST_LENGTH: Record<"md5" | "sha1", number> = { md5: 32, sha1: 40 };

/**
 * The digest at the start of a `md5sum`-style output line. GNU tools put a `\` before the line when
 * they escaped the file name (it held a newline or a backslash).
 */
export function parseDigest(stdout: string, type: "md5" | "sha1"): string | undefined {
  const match = /^\\?([0-9a-fA-F]+)/.exec(stdout);
  const digest = match?.[1]?.toLowerCase();
  return digest?.length === DIGEST_LENGTH[type] ? digest : undefined;
}

/**
 * Hashes the file at absolute path `path` with `command`.
 * Throws `ObjectNotFound` when the command reports a missing file, `Other` for any other failure.
 */
export async function remoteHash(
  conn: Connection,
  command: string,
  type: HashType,
  path: string,
  remote: string,
): Promise<string> {
  const r = await conn.exec(`${command} ${shellQuote(path)}`);
  if (r.code === null && conn.dead) throw new Error("connection lost while hashing");
  const digest = r.code === 0 ? parseDigest(r.stdout, type as "md5" | "sha1") : undefined;
  if (digest) return digest;
  if (/No such file|not found/i.test(r.stderr))
    throw new FsError("ObjectNotFound", "object not found", { path: remote });
  throw new FsError("Other", `${command} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`, {
    path: remote,
  });
}
