/**
 * The commands an SFTP client may run over the exec channel. rclone's sftp backend runs `md5sum`
 * and `sha1sum` (without arguments to see whether they work, then with a path to hash a file),
 * `df -k PATH` for `about`, and `echo` to find the shell; strata answers those from the `Fs` and
 * says "command not found" (exit 127) to anything else.
 */
import { isFsError } from "../../fs/errors.js";
import { hashBytes } from "../../fs/hashes.js";
import type { Fs } from "../../fs/types.js";
import { remoteOf, shellWords } from "./paths.js";

/** What a command printed and its exit status. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

const HASH_COMMANDS = { md5sum: "md5", sha1sum: "sha1" } as const;

/** Runs one command line against `fs`; never throws (failures are a non-zero exit status). */
export async function runCommand(fs: Fs, line: string): Promise<ExecResult> {
  const [name = "", ...args] = shellWords(line);
  try {
    if (name === "echo") return { stdout: `${args.join(" ")}\n`, stderr: "", code: 0 };
    if (name === "md5sum" || name === "sha1sum") return await hashCommand(fs, HASH_COMMANDS[name], name, args);
    if (name === "df") return await df(fs, args);
  } catch (err) {
    const missing = isFsError(err, "ObjectNotFound", "DirNotFound");
    const why = missing ? "No such file or directory" : (err as Error).message;
    return { stdout: "", stderr: `${name}: ${args.at(-1) ?? ""}: ${why}\n`, code: 1 };
  }
  return { stdout: "", stderr: `${name}: command not found\n`, code: 127 };
}

async function hashCommand(fs: Fs, type: "md5" | "sha1", name: string, args: string[]): Promise<ExecResult> {
  if (!fs.hashes.has(type)) return { stdout: "", stderr: `${name}: command not found\n`, code: 127 };
  // Without a file the tools hash their standard input, which an exec request leaves empty.
  if (args.length === 0) return { stdout: `${hashBytes(type, new Uint8Array(0))}  -\n`, stderr: "", code: 0 };
  let stdout = "";
  for (const path of args) {
    const digest = await (await fs.newObject(remoteOf(path))).hash(type);
    if (digest === undefined) return { stdout, stderr: `${name}: ${path}: no hash stored\n`, code: 1 };
    stdout += `${digest}  ${path}\n`;
  }
  return { stdout, stderr: "", code: 0 };
}

async function df(fs: Fs, args: string[]): Promise<ExecResult> {
  if (!fs.features.about) return { stdout: "", stderr: "df: the remote cannot tell its usage\n", code: 1 };
  const usage = await fs.features.about();
  const kib = (n: number | undefined) => String(Math.floor((n ?? 0) / 1024));
  const used = usage.used ?? (usage.total !== undefined && usage.free !== undefined ? usage.total - usage.free : 0);
  const total = usage.total ?? used + (usage.free ?? 0);
  const percent = total > 0 ? `${Math.ceil((used / total) * 100)}%` : "-";
  const mounted = args.filter((a) => !a.startsWith("-")).at(-1) ?? "/";
  const header = "Filesystem     1K-blocks     Used Available Use% Mounted on\n";
  return {
    stdout: `${header}strata ${kib(total)} ${kib(used)} ${kib(usage.free)} ${percent} ${mounted}\n`,
    stderr: "",
    code: 0,
  };
}
