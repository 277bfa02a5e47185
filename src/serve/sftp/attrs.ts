/** SFTP v3 attributes and `ls -l` style long names for what an `Fs` lists. */
import type { Attributes } from "ssh2";
import { baseName } from "../../fs/path.js";
import type { Entry } from "../../fs/types.js";

const DIR_MODE = 0o040755;
const FILE_MODE = 0o100644;

/** The attributes SFTP reports for a file or directory (owner 0, times in whole seconds). */
export function attrsOf(entry: Entry): Attributes {
  const mtime = Math.floor(entry.modTime.getTime() / 1000);
  const size = entry.kind === "file" ? Math.max(entry.size, 0) : 0;
  return { mode: entry.kind === "dir" ? DIR_MODE : FILE_MODE, uid: 0, gid: 0, size, atime: mtime, mtime };
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** `ls -l` shows the time of day for files younger than about half a year, else the year. */
const HALF_YEAR_MS = 182 * 24 * 3600 * 1000;

function permissions(mode: number): string {
  const bits = "rwxrwxrwx";
  let out = mode & 0o040000 ? "d" : "-";
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : "-";
  return out;
}

/** The `longname` of a READDIR answer: `ls -l` columns, as OpenSSH's server writes them. */
export function longName(entry: Entry, now = Date.now()): string {
  const attrs = attrsOf(entry);
  const d = entry.modTime;
  const day = String(d.getUTCDate()).padStart(2, " ");
  const recent = Math.abs(now - d.getTime()) < HALF_YEAR_MS;
  const clock = `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
  const when = `${MONTHS[d.getUTCMonth()]} ${day} ${recent ? clock : ` ${d.getUTCFullYear()}`}`;
  const size = String(attrs.size).padStart(8, " ");
  return `${permissions(attrs.mode)}    1 0        0        ${size} ${when} ${baseName(entry.remote)}`;
}
